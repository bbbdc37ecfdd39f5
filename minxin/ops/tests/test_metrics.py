"""/metrics: every figure the operations team alerts on, in Prometheus text format."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families

from minxin.core import clock
from minxin.notify.models import SmsMessage
from minxin.ops.models import TaskRun
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import submit

FAMILIES = {
    "minxin_http_request_duration_seconds",
    "minxin_login_failures",
    "minxin_queue_depth",
    "minxin_queue_scheduled",
    "minxin_outbox_backlog",
    "minxin_outbox_oldest_age_seconds",
    "minxin_outbox_given_up",
    "minxin_audit_pending_entries",
    "minxin_audit_pending_oldest_age_seconds",
    "minxin_requests_open",
    "minxin_requests_overdue",
    "minxin_task_last_duration_seconds",
    "minxin_task_last_run_timestamp_seconds",
    "minxin_task_last_run_ok",
    "minxin_task_runs",
    "minxin_task_failures",
    "minxin_scrape_state_ok",
}


def scrape(client, **headers) -> dict[str, list]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.content.decode())
    }


def value(samples, name: str, **labels) -> float:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert found, (name, labels, samples)
    return sum(found)


@pytest.mark.django_db
def test_every_figure_is_there(client, city):
    client.get("/livez")
    run_the_sweep()
    families = scrape(client)
    assert FAMILIES <= set(families), FAMILIES - set(families)
    assert value(families["minxin_scrape_state_ok"], "minxin_scrape_state_ok") == 1


@pytest.mark.django_db
def test_requests_are_timed_by_url_pattern_not_by_path(client, city):
    ticket, _ = submit(city)
    client.get(f"/photos/{ticket.pk}98765/")
    client.get("/livez")
    samples = scrape(client)["minxin_http_request_duration_seconds"]
    routes = {s.labels["route"] for s in samples}
    assert "/photos/<int:photo_id>/" in routes
    assert not any("98765" in route for route in routes)
    count = value(samples, "minxin_http_request_duration_seconds_count", route="/livez")
    client.get("/livez")
    again = scrape(client)["minxin_http_request_duration_seconds"]
    assert value(again, "minxin_http_request_duration_seconds_count", route="/livez") == count + 1


@pytest.mark.django_db
def test_failed_staff_sign_ins_are_counted(client, staff):
    def failures() -> float:
        samples = scrape(client)["minxin_login_failures"]
        found = [s.value for s in samples if s.labels.get("surface") == "workbench"]
        return sum(found)

    before = failures()
    client.post("/staff/login/", {"username": "intake", "password": "wrong"})
    client.post("/staff/login/", {"username": "nobody", "password": "wrong"})
    assert failures() == before + 2


@pytest.mark.django_db
def test_outbox_backlog_and_age(client, city):
    clock.freeze(clock.now())
    SmsMessage.objects.create(idempotency_key="a", phone="13800000000", text="一", purpose="t")
    clock.freeze(clock.now() + dt.timedelta(minutes=5))
    SmsMessage.objects.create(idempotency_key="b", phone="13800000000", text="二", purpose="t")
    SmsMessage.objects.create(
        idempotency_key="c", phone="13800000000", text="三", purpose="t", status="failed"
    )
    families = scrape(client)
    assert value(families["minxin_outbox_backlog"], "minxin_outbox_backlog", channel="sms") == 2
    assert value(families["minxin_outbox_given_up"], "minxin_outbox_given_up", channel="sms") == 1
    assert value(families["minxin_outbox_backlog"], "minxin_outbox_backlog", channel="email") == 0
    age = value(
        families["minxin_outbox_oldest_age_seconds"],
        "minxin_outbox_oldest_age_seconds",
        channel="sms",
    )
    assert age >= 0


@pytest.mark.django_db
def test_audit_entries_waiting_to_be_linked(client, city, monkeypatch):
    from minxin.audit.services import link_pending
    from minxin.tickets.tests.helpers import submit

    families = scrape(client)
    assert value(families["minxin_audit_pending_entries"], "minxin_audit_pending_entries") == 0
    monkeypatch.setattr("minxin.audit.services._head", lambda *, wait: None)  # head busy
    submit(city)
    monkeypatch.undo()
    clock.freeze(clock.now() + dt.timedelta(minutes=2))
    families = scrape(client)
    assert value(families["minxin_audit_pending_entries"], "minxin_audit_pending_entries") == 2
    age = value(
        families["minxin_audit_pending_oldest_age_seconds"],
        "minxin_audit_pending_oldest_age_seconds",
    )
    assert age >= 120
    link_pending()
    families = scrape(client)
    assert value(families["minxin_audit_pending_entries"], "minxin_audit_pending_entries") == 0


@pytest.mark.django_db
def test_open_and_overdue_requests(client, city):
    late, _ = submit(city)
    submit(city)
    Ticket.objects.filter(pk=late.pk).update(stage_due_at=clock.now() - dt.timedelta(hours=1))
    families = scrape(client)
    assert value(families["minxin_requests_open"], "minxin_requests_open") == 2
    assert value(families["minxin_requests_overdue"], "minxin_requests_overdue") == 1


@pytest.mark.django_db
def test_the_sweep_records_its_duration(client, city):
    run_the_sweep()
    run_the_sweep()
    run = TaskRun.objects.get(name="deadline_sweep")
    assert run.runs == 2
    assert run.ok
    families = scrape(client)
    assert value(families["minxin_task_runs"], "minxin_task_runs_total", task="deadline_sweep") == 2
    seconds = value(
        families["minxin_task_last_duration_seconds"],
        "minxin_task_last_duration_seconds",
        task="deadline_sweep",
    )
    assert seconds == pytest.approx(run.duration_seconds)


@pytest.mark.django_db
def test_only_loopback_or_the_token_may_scrape(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    scrape(client, HTTP_AUTHORIZATION="Bearer s3cret", REMOTE_ADDR="10.1.2.3")


def run_the_sweep() -> None:
    from minxin.supervision.tasks import deadline_sweep

    deadline_sweep()
