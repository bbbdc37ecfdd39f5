"""Automatic dispatch above a confidence threshold: off by default, idempotent, and a
dispatcher who got there first always wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minxin.audit.models import ChainEntry
from minxin.routing import autodispatch
from minxin.routing.models import AutoDispatchSetting
from minxin.routing.tests.helpers import submit
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket

HOUSE = "城乡建设/房屋质量"  # one citywide owner: the table alone is certain
PROPERTY = "城乡建设/物业管理"  # the district 0.8, the bureau 0.2


def submitted(city, capture, path: str) -> Ticket:  # type: ignore[no-untyped-def]
    with capture(execute=True):  # the worker is queued on commit; HUEY is immediate in tests
        ticket = submit(
            city, "交房面积与合同不符", "开发商交付的房屋实测面积比合同少了三平方米", path=path
        )
    return Ticket.objects.get(pk=ticket.pk)


def test_off_by_default(city, django_capture_on_commit_callbacks, settings):
    assert settings.AUTO_DISPATCH_THRESHOLD is None
    assert submitted(city, django_capture_on_commit_callbacks, HOUSE).status == Status.SUBMITTED


def test_on_dispatches_through_the_services_and_says_so(
    city, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_DISPATCH_THRESHOLD = 0.9
    ticket = submitted(city, django_capture_on_commit_callbacks, HOUSE)
    assert ticket.status == Status.DISPATCHED
    assert ticket.lead_unit.code == "zhujian"
    event = ticket.events.get(action="dispatch")
    assert event.actor is None
    assert event.actor_label == "系统"
    assert "系统自动派遣" in event.note
    assert "置信度1.00" in event.note
    # The task running again changes nothing.
    assert autodispatch.auto_dispatch(ticket.pk) is None
    assert ticket.events.filter(action="dispatch").count() == 1


def test_below_the_threshold_waits_for_a_dispatcher(
    city, settings, django_capture_on_commit_callbacks
):
    settings.AUTO_DISPATCH_THRESHOLD = 0.9
    ticket = submitted(city, django_capture_on_commit_callbacks, PROPERTY)  # 和平区 at 0.8
    assert ticket.status == Status.SUBMITTED
    assert not ticket.events.filter(action="accept")


def test_a_dispatcher_who_accepted_first_wins(city, staff, settings):
    settings.AUTO_DISPATCH_THRESHOLD = 0.5
    ticket = submit(
        city, "交房面积与合同不符", "实测面积比合同少", path=HOUSE
    )  # not run: no commit
    svc.ticket_accept(ticket_id=ticket.pk, actor=Actor.staff(staff["intake"]))
    assert autodispatch.auto_dispatch(ticket.pk) is None
    assert Ticket.objects.get(pk=ticket.pk).status == Status.ACCEPTED


def test_a_dispatcher_acting_during_the_look_wins_without_an_error(
    city, staff, settings, monkeypatch
):
    settings.AUTO_DISPATCH_THRESHOLD = 0.5
    ticket = submit(city, "交房面积与合同不符", "实测面积比合同少", path=HOUSE)
    real = autodispatch.recommend_for_tickets

    def meanwhile(tickets):  # type: ignore[no-untyped-def]
        svc.ticket_accept(ticket_id=ticket.pk, actor=Actor.staff(staff["intake"]))
        return real(tickets)

    monkeypatch.setattr(autodispatch, "recommend_for_tickets", meanwhile)
    assert autodispatch.auto_dispatch(ticket.pk) is None  # stale version: theirs stands
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.ACCEPTED
    assert ticket.lead_unit is None
    assert ticket.events.filter(action="accept", actor=staff["intake"]).count() == 1


def test_high_risk_requests_are_left_to_people(city, settings):
    from minxin.risk.models import RiskLevel, TicketInsight

    settings.AUTO_DISPATCH_THRESHOLD = 0.5
    ticket = submit(city, "交房面积与合同不符", "实测面积比合同少", path=HOUSE)
    TicketInsight.objects.update_or_create(
        ticket=ticket, defaults={"risk_level": RiskLevel.CRITICAL, "computed_at": ticket.created_at}
    )
    assert autodispatch.held_back(ticket) == "high risk"
    assert autodispatch.auto_dispatch(ticket.pk) is None


def test_a_request_whose_analysis_failed_is_left_to_people(city, settings):
    from minxin.risk.models import TicketInsight

    settings.AUTO_DISPATCH_THRESHOLD = 0.5
    ticket = submit(city, "交房面积与合同不符", "实测面积比合同少", path=HOUSE)
    TicketInsight.objects.filter(ticket=ticket).delete()  # as when analyse_submission failed
    assert autodispatch.held_back(ticket) == "not analysed"
    assert autodispatch.auto_dispatch(ticket.pk) is None


@pytest.mark.parametrize("raw", ["abc", "0", "1.5"])
def test_a_bad_threshold_is_refused_at_start(raw, monkeypatch):
    import importlib

    import minxin.settings

    monkeypatch.setenv("MINXIN_AUTO_DISPATCH_THRESHOLD", raw)
    with pytest.raises(ValueError, match="MINXIN_AUTO_DISPATCH_THRESHOLD"):
        importlib.reload(minxin.settings)
    monkeypatch.delenv("MINXIN_AUTO_DISPATCH_THRESHOLD")
    importlib.reload(minxin.settings)


def admin_client(client, staff):  # type: ignore[no-untyped-def]
    admin_user = staff["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


SWITCH = "/admin/routing/autodispatchsetting/1/change/"


def test_the_city_admin_switches_it_on_in_the_admin_and_the_change_is_on_the_chain(
    city, staff, client, django_capture_on_commit_callbacks
):
    admin_client(client, staff)
    page = client.get(SWITCH).content.decode()
    assert "启用自动派遣" in page
    assert "受理员采纳首选单位建议的比例" in page
    assert autodispatch.threshold() is None  # off as installed
    response = client.post(SWITCH, {"enabled": "on", "threshold": "0.90"})
    assert response.status_code == 302
    assert autodispatch.threshold() == 0.9
    assert submitted(city, django_capture_on_commit_callbacks, HOUSE).status == Status.DISPATCHED
    entry = ChainEntry.objects.filter(kind="admin").latest("seq")
    assert entry.ref == "admin:routing.autodispatchsetting:1"
    assert "启用自动派遣" in entry.payload
    client.post(SWITCH, {"threshold": "0.90"})  # unticked: off again
    assert autodispatch.threshold() is None


def test_a_threshold_below_one_half_is_refused(city, staff, client):
    admin_client(client, staff)
    response = client.post(SWITCH, {"enabled": "on", "threshold": "0.30"})
    assert response.status_code == 200
    assert "0.5" in response.content.decode()
    assert autodispatch.threshold() is None


def test_the_environment_pins_the_switch(city, staff, client, settings):
    settings.AUTO_DISPATCH_THRESHOLD = 0.95
    assert autodispatch.threshold() == 0.95  # the admin's row is off; the environment wins
    admin_client(client, staff)
    assert "此处设置不生效" in client.get(SWITCH).content.decode()
    assert client.post(SWITCH, {"threshold": "0.60"}).status_code == 403
    assert AutoDispatchSetting.objects.get().threshold == Decimal("0.90")
