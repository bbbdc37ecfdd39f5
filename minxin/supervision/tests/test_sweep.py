"""The sweep with a controllable clock: warnings, overdue, supervision and escalation,
across the 2026 National Day holiday and across the 2026/2027 year boundary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.notify.models import InboxMessage
from minxin.sla.models import CalendarFallback
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Satisfaction, Stage, Status, Ticket
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db
NOTHING = {
    "analysed": 0,
    "yellow": 0,
    "red": 0,
    "closed_unrated": 0,
    "followed": 0,
    "escalated": 0,
    "co_parts": 0,
}


def at(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime(y, m, d, h, mi))
    clock.freeze(moment)
    return moment


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def dispatched(city, staff, kind: str = "complaint") -> Ticket:
    ticket, _ = submit(city, kind=kind)
    intake = as_staff(staff["intake"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake)
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id)
    return Ticket.objects.get(pk=ticket.pk)


def test_sign_for_overdue_over_national_day_escalates_on_working_days(city, staff):
    at(2026, 9, 28)  # Monday
    ticket = dispatched(city, staff)
    assert local_day(ticket.stage_due_at) == dt.date(2026, 9, 29)

    at(2026, 9, 29, 9)
    assert sweep() == NOTHING
    at(2026, 9, 29, 17)  # past 80% of the sign-for time
    assert sweep()["yellow"] == 1
    assert sweep() == NOTHING
    assert InboxMessage.objects.filter(event="warning", unit=ticket.lead_unit).count() == 1

    at(2026, 9, 30, 0, 30)
    assert sweep()["red"] == 1
    assert sweep() == NOTHING
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert (order.reason, order.level) == ("overdue", 1)
    # Two working days to respond, after 30 Sep: the holiday (1-7 Oct), then 8 and 9 Oct.
    assert local_day(order.respond_by) == dt.date(2026, 10, 9)
    assert InboxMessage.objects.filter(event="sign_overdue").count() == 1

    at(2026, 10, 5)  # in the holiday: nothing escalates
    assert sweep() == NOTHING
    at(2026, 10, 9, 23)
    assert sweep() == NOTHING
    at(2026, 10, 10, 0, 30)  # a Saturday, but a 调休 working day
    assert sweep()["escalated"] == 1
    assert sweep() == NOTHING
    order.refresh_from_db()
    assert order.level == 2
    # After Saturday 10 Oct: Sunday 11 is off, then Monday 12 and Tuesday 13.
    assert local_day(order.escalate_at) == dt.date(2026, 10, 13)
    at(2026, 10, 14, 0, 30)
    assert sweep()["escalated"] == 1
    at(2026, 12, 1)
    assert sweep() == NOTHING  # the top level does not escalate further
    order.refresh_from_db()
    assert order.level == 3
    actions = list(ticket.events.values_list("action", flat=True))
    assert actions.count("warning") == 1
    assert actions.count("overdue") == 1
    assert actions.count("supervise_escalate") == 2
    ticket.refresh_from_db()
    assert ticket.events.order_by("at", "id").last().to_status == ticket.status


def test_reply_overdue_across_the_year_boundary_uses_the_fallback_calendar(city, staff):
    at(2026, 12, 28)
    ticket = dispatched(city, staff, kind="consultation")
    assert local_day(ticket.due_at) == dt.date(2026, 12, 31)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    at(2026, 12, 31, 12)
    assert sweep()["yellow"] == 1
    at(2027, 1, 1, 0, 30)
    assert sweep()["red"] == 1
    order = SupervisionOrder.objects.get(ticket=ticket)
    # 2027 has no holiday data yet: Monday to Friday, said out loud.
    assert local_day(order.respond_by) == dt.date(2027, 1, 5)
    assert CalendarFallback.objects.filter(year=2027).exists()
    at(2027, 1, 6, 9)
    assert sweep()["escalated"] == 1


def test_a_paused_request_is_not_swept(city, staff):
    at(2026, 11, 2)
    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    svc.ticket_request_info(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), note="照片")
    at(2026, 12, 30)
    assert sweep() == NOTHING


def test_an_unrated_reply_goes_to_callback_then_closes_as_not_rated(city, staff, api):
    at(2026, 11, 2)
    ticket = dispatched(city, staff)
    unit = as_staff(staff["zhujian"])
    svc.ticket_sign(ticket_id=ticket.pk, actor=unit)
    svc.ticket_reply(ticket_id=ticket.pk, actor=unit, facts="f", solved=True, public_reply="p")
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    at(2026, 11, 20)
    assert sweep()["red"] == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.stage) == (Status.PUBLISHED, Stage.CALLBACK)
    queue = api.get("/staff/queues/callback", token=api.login("callback")).json()
    assert [t["id"] for t in queue] == [ticket.pk]
    at(2026, 12, 1)
    assert sweep()["closed_unrated"] == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket.satisfaction == Satisfaction.NOT_RATED


def test_an_unsatisfied_rating_opens_a_supervision_order(city, staff):
    ticket = dispatched(city, staff)
    unit = as_staff(staff["zhujian"])
    svc.ticket_sign(ticket_id=ticket.pk, actor=unit)
    svc.ticket_reply(ticket_id=ticket.pk, actor=unit, facts="f", solved=True, public_reply="p")
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk,
        actor=Actor.code_holder(ticket.tracking_code),
        satisfaction="unsatisfied",
        comment="问题没解决",
    )
    order = SupervisionOrder.objects.get(ticket=ticket)
    assert order.reason == "unsatisfied"
    assert order.unit_id == staff["zhujian"].unit_id
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.reopen_count == 1


def test_swept_events_are_witnessed_on_the_audit_chain(city, staff):
    from minxin.audit.verify import chain_verify

    at(2026, 11, 2)
    for _ in range(3):
        dispatched(city, staff)
    at(2026, 11, 4)
    assert sweep()["red"] == 3
    report = chain_verify()
    assert report.ok, report.problems


def test_the_clock_colour_is_shown_in_queues(city, staff, api):
    at(2026, 11, 2, 10)
    ticket = dispatched(city, staff)

    def colour() -> str:  # a fresh token each time: the clock moves past a token's life
        return api.get("/staff/queues/inbox", token=api.login("zhujian")).json()[0]["clock"]

    assert colour() == "green"
    at(2026, 11, 3, 17)
    assert colour() == "yellow"
    at(2026, 11, 4, 1)
    assert colour() == "red"
    assert ticket.pk
