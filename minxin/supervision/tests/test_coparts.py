"""Co-handling parts are swept like the lead's stage: yellow, red, and a 督办单 for the
co-unit; a pass run twice acts once; parts owed nothing more are left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.notify.models import InboxMessage
from minxin.supervision.coparts import sweep_co_parts
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.models import Assignment, Ticket, TimelineEvent
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db


def at(moment: dt.datetime) -> dt.datetime:
    clock.freeze(moment)
    return moment


def dispatched(city, staff) -> Ticket:
    at(timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    ticket = submit(city)[0]
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return ticket


def parts(ticket: Ticket) -> dict[str, Assignment]:
    return {p.unit.code: p for p in cohandling.co_parts(ticket)}


def test_a_late_part_is_warned_then_supervised_once(city, staff):
    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))  # the lead is on time
    huanbao = parts(ticket)["huanbao"]
    at(huanbao.warn_at - dt.timedelta(minutes=1))
    assert sweep_co_parts(clock.now()) == 0
    at(huanbao.warn_at + dt.timedelta(minutes=1))
    assert sweep_co_parts(clock.now()) == 2  # both parts share the clock
    assert sweep_co_parts(clock.now()) == 0
    assert {p.warn_level for p in parts(ticket).values()} == {1}
    warned = InboxMessage.objects.filter(ticket=ticket, event="co_warning")
    assert set(warned.values_list("unit_id", flat=True)) == {
        staff["huanbao"].unit_id,
        staff["heping"].unit_id,
    }
    at(huanbao.due_at + dt.timedelta(minutes=1))
    assert sweep()["co_parts"] == 2
    assert sweep()["co_parts"] == 0
    orders = SupervisionOrder.objects.filter(ticket=ticket)
    assert set(orders.values_list("unit_id", "reason")) == {
        (staff["huanbao"].unit_id, "overdue"),
        (staff["heping"].unit_id, "overdue"),
    }
    events = TimelineEvent.objects.filter(ticket=ticket, action__in=["co_warning", "co_overdue"])
    assert events.count() == 4
    assert not events.filter(public=True).exists()


def test_parts_that_gave_their_opinion_or_were_returned_are_not_swept(city, staff):
    ticket = dispatched(city, staff)
    huanbao = as_staff(staff["huanbao"])
    cohandling.co_part_sign(ticket_id=ticket.pk, actor=huanbao)
    cohandling.co_part_opinion(ticket_id=ticket.pk, actor=huanbao, note="已核查")
    cohandling.co_part_return(
        ticket_id=ticket.pk, actor=as_staff(staff["heping"]), reason="非本单位职责"
    )
    at(parts(ticket)["huanbao"].due_at + dt.timedelta(days=1))
    assert sweep_co_parts(clock.now()) == 0
    assert not SupervisionOrder.objects.filter(ticket=ticket).exists()


def test_parts_of_a_finished_request_are_not_swept(city, staff):
    ticket = dispatched(city, staff)
    lead = as_staff(staff["zhujian"])
    svc.ticket_sign(ticket_id=ticket.pk, actor=lead)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=lead,
        facts="f",
        solved=True,
        public_reply="p",
        proceed_reason="协办单位已电话反馈",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    at(parts(ticket)["huanbao"].due_at + dt.timedelta(days=1))
    assert sweep_co_parts(clock.now()) == 0


def test_a_late_co_unit_and_a_late_lead_each_get_their_own_order(city, staff):
    ticket = dispatched(city, staff)
    at(Ticket.objects.get(pk=ticket.pk).stage_due_at + dt.timedelta(minutes=1))
    sweep()  # the lead's sign-for stage is overdue
    at(parts(ticket)["huanbao"].due_at + dt.timedelta(minutes=1))
    sweep()
    units = set(
        SupervisionOrder.objects.filter(ticket=ticket, state="open").values_list(
            "unit_id", flat=True
        )
    )
    assert units == {staff["zhujian"].unit_id, staff["huanbao"].unit_id, staff["heping"].unit_id}


def test_a_late_part_counts_in_the_co_unit_s_record(city, staff):
    from minxin.supervision.records import Period, figures_for

    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    at(parts(ticket)["huanbao"].due_at + dt.timedelta(minutes=1))
    sweep_co_parts(clock.now())
    november = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    huanbao = figures_for(november, staff["huanbao"].unit_id)
    assert (huanbao.co, huanbao.overdue) == (1, 1)
    assert figures_for(november, staff["zhujian"].unit_id).overdue == 0
