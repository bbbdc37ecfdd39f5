"""A new request is read by the worker after its submission commits (RISK_ANALYSIS_IN_WORKER):
never lost (the note is committed with the request), read once however often the task or
the sweep runs, retried when it fails, and every page works before it is read."""

from __future__ import annotations

import pytest

from minxin.accounts.models import Role, User
from minxin.notify.models import InboxMessage
from minxin.risk import services as risk
from minxin.risk.models import MissedAnalysis, TicketInsight
from minxin.risk.tasks import AnalysisFailed, analyse_request
from minxin.similar.tests.helpers import submit_message
from minxin.similar.tests.shared_data import message
from minxin.tickets.models import Ticket
from minxin.workbench.tests.helpers import as_user

pytestmark = pytest.mark.django_db
RAW = "complaints-sample-raw.csv"


@pytest.fixture(autouse=True)
def in_worker(settings) -> None:
    settings.RISK_ANALYSIS_IN_WORKER = True


def _alerts(ticket: Ticket) -> int:
    return InboxMessage.objects.filter(event="risk", ticket=ticket).count()


def _critical(city: dict, django_capture_on_commit_callbacks) -> tuple[Ticket, list]:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks() as callbacks:
        ticket = submit_message(city, message(RAW, "26255"))  # "…不想活了！"
    return ticket, callbacks


def test_the_worker_reads_a_request_once_after_its_submission_commits(
    city, staff, django_capture_on_commit_callbacks
):
    ticket, callbacks = _critical(city, django_capture_on_commit_callbacks)
    # Committed with the request: the note that it waits to be read; nothing read yet.
    assert MissedAnalysis.objects.get(ticket=ticket).attempts == 0
    assert not TicketInsight.objects.filter(ticket=ticket).exists()
    for callback in callbacks:  # the commit: the task is queued (Huey runs it inline here)
        callback()
    assert TicketInsight.objects.get(ticket=ticket).risk_level == "critical"
    assert not MissedAnalysis.objects.exists()
    alerts = _alerts(ticket)
    assert alerts == User.objects.filter(role=Role.SUPERVISOR, is_active=True).count()
    assert alerts > 0
    # The task delivered twice, and the sweep after it: nothing is read or sent again.
    assert analyse_request.call_local(ticket.pk) is False
    assert risk.analyse_missed() == 0
    assert TicketInsight.objects.filter(ticket=ticket).count() == 1
    assert _alerts(ticket) == alerts


def test_a_reading_that_fails_in_the_worker_is_retried_and_still_alerts(
    city, staff, monkeypatch, django_capture_on_commit_callbacks
):
    ticket, _ = _critical(city, django_capture_on_commit_callbacks)  # the task not run yet
    original = risk.insight_compute
    monkeypatch.setattr(risk, "insight_compute", lambda **kw: 1 / 0)
    with pytest.raises(AnalysisFailed):  # Huey retries the task
        analyse_request.call_local(ticket.pk)
    assert MissedAnalysis.objects.get(ticket=ticket).attempts == 1
    assert not TicketInsight.objects.filter(ticket=ticket).exists()
    monkeypatch.setattr(risk, "insight_compute", original)
    assert analyse_request.call_local(ticket.pk) is True  # the retry
    assert TicketInsight.objects.get(ticket=ticket).risk_level == "critical"
    assert _alerts(ticket) > 0
    assert not MissedAnalysis.objects.exists()


def test_a_queued_reading_whose_task_was_lost_is_done_by_the_sweep(
    city, staff, django_capture_on_commit_callbacks
):
    ticket, _ = _critical(city, django_capture_on_commit_callbacks)  # Redis lost the task
    assert risk.analyse_missed() == 1
    assert TicketInsight.objects.get(ticket=ticket).risk_level == "critical"
    assert analyse_request.call_local(ticket.pk) is False


def test_pages_and_the_api_work_before_the_request_is_read(
    city, staff, client, django_capture_on_commit_callbacks
):
    from minxin.tickets.actors import Actor
    from minxin.tickets.submission import Submission, ticket_submit

    with django_capture_on_commit_callbacks():
        ticket, password = ticket_submit(
            data=Submission(request_type="complaint", title="路灯不亮", content="东门路灯坏了一周"),
            actor=Actor(),
        )
    tracked = client.get(f"/api/v1/requests/{ticket.tracking_code}?password={password}")
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "submitted"
    staff_client = as_user(client, staff["intake"])
    assert ticket.display_code in staff_client.get("/staff/queues/intake/").content.decode()
    detail = staff_client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "研判中" in detail
    analyse_request.call_local(ticket.pk)
    detail = staff_client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "研判中" not in detail
    assert "风险等级" in detail
