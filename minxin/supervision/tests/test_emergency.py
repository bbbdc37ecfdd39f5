"""Emergencies first: the duty roster alerted by inbox and SMS whatever the quiet hours, the
accept-and-dispatch clock in clock hours, never closed unrated, alerted within one sweep
even when the analysis at submission failed."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from minxin.core import clock
from minxin.notify.models import InboxMessage, SmsMessage
from minxin.risk import services as risk
from minxin.supervision.duty import on_duty
from minxin.supervision.models import DutyShift, SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Stage, Status, Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.tests.helpers import as_staff

pytestmark = pytest.mark.django_db
GAS = "家里燃气泄漏，整个楼道都是煤气味，请马上派人"


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime(y, m, d, h, mi))
    clock.freeze(moment)
    return moment


def report(
    city: dict, content: str = GAS, phone: str | None = None, title: str = "燃气泄漏"
) -> Ticket:
    data = Submission(
        request_type="help",
        title=title,
        content=content,
        category_id=city["category"].pk,
        anonymous=phone is None,
        name="张三" if phone else "",
        district_id=city["units"]["heping"].pk,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor.citizen(phone) if phone else Actor())
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def roster(staff) -> dict:
    """The intake officer is on duty tonight; the supervisor is not."""
    for name, mobile in (("intake", "13900000001"), ("supervisor", "13900000002")):
        staff[name].mobile = mobile
        staff[name].save(update_fields=["mobile"])
    DutyShift.objects.create(
        user=staff["intake"], starts_at=at(2026, 11, 7, 20), ends_at=at(2026, 11, 8, 8)
    )
    return staff


def test_a_critical_request_alerts_the_duty_officer_by_inbox_and_sms_in_the_night(city, roster):
    at(2026, 11, 7, 23, 30)  # a Saturday night, inside the quiet hours
    ticket = report(city, phone="13800138000")
    inbox = InboxMessage.objects.get(event="emergency", ticket=ticket)
    assert inbox.user_id == roster["intake"].pk
    assert ticket.display_code in inbox.text
    assert "燃气泄漏" in inbox.text
    sms = SmsMessage.objects.get(event="emergency")
    assert (sms.phone, sms.urgent, sms.next_attempt_at) == ("13900000001", True, None)
    # The supervisor is off duty: the usual risk note in the inbox, no emergency, no SMS.
    assert not InboxMessage.objects.filter(event="emergency", user=roster["supervisor"]).exists()
    assert ticket.events.get(action="emergency_alert").note == "已通知值班人员：受理员 王敏"
    # The citizen's own messages still wait for the morning.
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(roster["intake"]))
    citizen = SmsMessage.objects.get(phone="13800138000", event="accepted")
    assert citizen.next_attempt_at is not None
    assert citizen.next_attempt_at > clock.now()


def test_with_nobody_on_duty_every_intake_and_supervisor_is_alerted_and_it_is_logged(
    city, roster, caplog
):
    at(2026, 11, 9, 10)  # Monday morning: the night shift has ended
    with caplog.at_level(logging.WARNING, logger="minxin.supervision.duty"):
        ticket = report(city)
    alerted = set(InboxMessage.objects.filter(event="emergency").values_list("user_id", flat=True))
    assert alerted == {roster["intake"].pk, roster["supervisor"].pk}
    assert SmsMessage.objects.filter(event="emergency").count() == 2
    assert "nobody on duty" in caplog.text
    assert ticket.events.get(action="emergency_alert").note.startswith("当前无人值班")


def test_the_roster_takes_shifts_that_cover_the_moment_and_only_duty_roles(city, roster):
    handler = roster["zhujian"]
    DutyShift.objects.create(
        user=handler, starts_at=at(2026, 11, 7, 20), ends_at=at(2026, 11, 8, 8)
    )
    assert on_duty(at(2026, 11, 7, 20)) == ([roster["intake"]], False)
    assert on_duty(at(2026, 11, 8, 8))[1] is True  # the end is not part of the shift
    roster["intake"].is_active = False
    roster["intake"].save(update_fields=["is_active"])
    users, fallback = on_duty(at(2026, 11, 7, 22))
    assert fallback
    assert users == [roster["supervisor"]]


def test_the_emergency_clock_runs_in_clock_hours_through_the_night(city, roster):
    arrived = at(2026, 11, 7, 23, 30)
    ticket = report(city)
    assert (ticket.stage, ticket.stage_due_at) == (Stage.ACCEPT, arrived + dt.timedelta(hours=2))
    assert ticket.stage_warn_at == arrived + dt.timedelta(minutes=96)
    at(2026, 11, 8, 0, 15)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(roster["intake"]))
    ticket.refresh_from_db()
    # One clock for acceptance and dispatch, counted from arrival.
    assert (ticket.stage, ticket.stage_due_at) == (Stage.DISPATCH, arrived + dt.timedelta(hours=2))
    # The dispatch stage warns at 80 % of its own time: 00:15 + 0.8 × 75 min = 01:15.
    at(2026, 11, 8, 1, 16)
    assert sweep()["yellow"] == 1
    at(2026, 11, 8, 1, 31)
    assert sweep()["red"] == 1
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert order.unit_id is None
    assert order.reason == "overdue"


@override_settings(EMERGENCY_DISPATCH_HOURS=1)
def test_the_emergency_hours_are_a_setting(city, roster):
    arrived = at(2026, 11, 7, 23, 30)
    assert report(city).stage_due_at == arrived + dt.timedelta(hours=1)


def test_a_returned_emergency_must_be_redispatched_within_the_hours_of_its_return(city, roster):
    at(2026, 11, 9, 10)
    ticket = report(city)
    intake = as_staff(roster["intake"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=roster["zhujian"].unit_id)
    returned = at(2026, 11, 9, 16)
    svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(roster["zhujian"]), reason="非本单位")
    ticket.refresh_from_db()
    assert ticket.stage_due_at == returned + dt.timedelta(hours=2)


def test_an_emergency_is_never_closed_unrated_it_waits_for_a_person(city, roster):
    at(2026, 11, 9, 10)
    ticket = report(city)
    intake, unit = as_staff(roster["intake"]), as_staff(roster["zhujian"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=roster["zhujian"].unit_id)
    svc.ticket_sign(ticket_id=ticket.pk, actor=unit)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=unit,
        facts="已关阀",
        solved=True,
        public_reply="燃气公司已到场处置",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(roster["reviewer"]))
    at(2026, 11, 25)
    sweep()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.stage) == (Status.PUBLISHED, Stage.CALLBACK)
    at(2027, 3, 1)
    assert sweep()["closed_unrated"] == 0
    ticket.refresh_from_db()
    assert ticket.status == Status.PUBLISHED
    assert ticket.satisfaction == ""
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=as_staff(roster["callback"]), satisfaction="satisfied"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.rated_by == "callback"


def test_an_ordinary_request_is_still_closed_unrated(city, roster):
    at(2026, 11, 9, 10)
    ticket = report(city, title="路灯不亮", content="小区路灯坏了一个月")
    intake, unit = as_staff(roster["intake"]), as_staff(roster["zhujian"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=roster["zhujian"].unit_id)
    svc.ticket_sign(ticket_id=ticket.pk, actor=unit)
    svc.ticket_reply(ticket_id=ticket.pk, actor=unit, facts="f", solved=True, public_reply="p")
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(roster["reviewer"]))
    at(2026, 11, 25)
    sweep()
    at(2027, 3, 1)
    assert sweep()["closed_unrated"] == 1
    assert not InboxMessage.objects.filter(event="emergency").exists()


def test_a_failed_analysis_still_alerts_and_starts_the_emergency_clock_within_one_sweep(
    city, roster, monkeypatch
):
    arrived = at(2026, 11, 7, 23, 30)
    original = risk.insight_compute
    monkeypatch.setattr(risk, "insight_compute", lambda **kw: 1 / 0)
    ticket = report(city)
    assert not InboxMessage.objects.filter(event="emergency").exists()
    assert ticket.stage_due_at > arrived + dt.timedelta(hours=2)  # the ordinary clock
    monkeypatch.setattr(risk, "insight_compute", original)
    at(2026, 11, 7, 23, 31)
    assert sweep()["analysed"] == 1
    assert InboxMessage.objects.filter(event="emergency", user=roster["intake"]).exists()
    assert SmsMessage.objects.filter(event="emergency", phone="13900000001").exists()
    ticket.refresh_from_db()
    assert ticket.stage_due_at == arrived + dt.timedelta(hours=2)
    assert ticket.events.filter(action="emergency").count() == 1
    assert sweep()["analysed"] == 0
