"""A supervision order follows its request: closed with it when the citizen is satisfied,
put to the supervisor when the request ends any other way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from minxin.core import clock
from minxin.notify.models import InboxMessage
from minxin.supervision import services as sup
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db
Order = SupervisionOrder


def published(ticket: Ticket, staff: dict) -> None:
    unit, reviewer = as_staff(staff["zhujian"]), as_staff(staff["reviewer"])
    ticket.refresh_from_db()
    if ticket.status == Status.DISPATCHED:
        svc.ticket_sign(ticket_id=ticket.pk, actor=unit)
    svc.ticket_reply(
        ticket_id=ticket.pk, actor=unit, facts="已核实", solved=True, public_reply="已修复"
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=reviewer)


def rate(ticket: Ticket, satisfaction: str) -> Ticket:
    return svc.ticket_rate(
        ticket_id=ticket.pk,
        actor=Actor.code_holder(ticket.tracking_code),
        satisfaction=satisfaction,
    )


def test_the_order_opened_for_unsatisfied_closes_when_the_citizen_then_rates_satisfied(
    client, city, staff
):
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    published(ticket, staff)
    rate(ticket, "unsatisfied")
    order = Order.objects.get(ticket=ticket)
    assert (order.reason, order.state) == ("unsatisfied", "open")
    published(ticket, staff)  # reopened, handled again
    rate(ticket, "satisfied")
    order.refresh_from_db()
    assert (order.state, order.outcome) == ("closed", "resolved")
    assert order.closed_at is not None
    assert order.closed_by is None
    assert order.events.filter(action="follow_close", note__contains="满意").exists()
    entry = ticket.events.get(action="supervise_close")
    assert not entry.public
    assert f"督办单{order.pk}" in entry.note
    assert not InboxMessage.objects.filter(event="supervision_decide").exists()
    assert sweep()["followed"] == 0  # nothing left for the sweep
    client.force_login(staff["supervisor"])
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert "随诉求办结" in page
    assert "已办结" in page


def test_basic_satisfaction_closes_every_live_order_of_the_request(city, staff):
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    sup.supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="加快")
    published(ticket, staff)
    rate(ticket, "basic")
    assert list(Order.objects.values_list("state", flat=True)) == ["closed"]


@override_settings(MAX_REOPENS=0)
def test_unsatisfied_with_no_reopen_left_asks_the_supervisor_who_opened_it_to_decide(city, staff):
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    sup.supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="加快")
    published(ticket, staff)
    rate(ticket, "unsatisfied")
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    orders = {o.reason: o for o in Order.objects.all()}
    assert {o.state for o in orders.values()} == {"open"}  # left to a person
    asks = InboxMessage.objects.filter(event="supervision_decide")
    # The manual order goes back to its supervisor; the automatic one to every supervisor.
    assert {(m.user_id, m.text.count("请决定")) for m in asks} == {(staff["supervisor"].pk, 1)}
    assert asks.count() == 2
    assert sweep()["followed"] == 0  # asked once, not every minute
    sup.supervision_close(
        order_id=orders["manual"].pk, actor=as_staff(staff["supervisor"]), outcome="unresolved"
    )


def test_a_request_closed_unrated_puts_its_order_to_the_supervisors_in_the_sweep(city, staff):
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    sup.supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="加快")
    published(ticket, staff)
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 20, 10)))
    sweep()  # the rating window passes: to callback
    clock.freeze(timezone.make_aware(dt.datetime(2026, 12, 1, 10)))
    counts = sweep()
    assert counts["closed_unrated"] == 1
    assert counts["followed"] == 1
    order = Order.objects.get(ticket=ticket)
    assert order.state == "open"
    assert order.events.filter(action="decide_asked").exists()
    assert (
        InboxMessage.objects.filter(event="supervision_decide", user=staff["supervisor"]).count()
        == 1
    )
    assert sweep()["followed"] == 0
