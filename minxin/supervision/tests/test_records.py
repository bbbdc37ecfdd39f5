"""A unit's record adds up: each figure counted once, for the right unit, in the right period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.supervision import services as sup
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.records import Period, figures_for, period_from, shortcut
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    """Move the one clock by hand; released after the test."""

    def at(*args: int) -> dt.datetime:
        moment = timezone.make_aware(dt.datetime(*args))
        clock.freeze(moment)
        return moment

    yield at
    clock.freeze(None)


def this_month() -> Period:
    return shortcut("this_month")


def dispatched(city, staff, unit: str = "zhujian", co: tuple[str, ...] = ()) -> Ticket:  # type: ignore[no-untyped-def]
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=intake,
        lead_unit_id=staff[unit].unit_id,
        co_unit_ids=[staff[c].unit_id for c in co],
    )
    return ticket


def answer(ticket: Ticket, staff, unit: str = "zhujian") -> None:  # type: ignore[no-untyped-def]
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff[unit]))
    # A co-handling unit may not have given its opinion: the lead says why it goes ahead.
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff[unit]),
        facts="已核实",
        solved=True,
        public_reply="已处理",
        proceed_reason="协办单位已电话反馈",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))


def rate(ticket: Ticket, satisfaction: str) -> None:
    svc.ticket_rate(
        ticket_id=ticket.pk,
        actor=Actor.code_holder(ticket.tracking_code),
        satisfaction=satisfaction,
    )


def test_a_rating_changed_from_unsatisfied_to_satisfied_counts_every_figure(city, staff):
    ticket = dispatched(city, staff, co=("renshe",))
    answer(ticket, staff)
    rate(ticket, "unsatisfied")  # reopened to 住建局, and a supervision order opened
    answer(ticket, staff)
    rate(ticket, "satisfied")
    lead = figures_for(this_month(), staff["zhujian"].unit_id)
    assert (lead.led, lead.co, lead.closed, lead.on_time) == (1, 0, 1, 1)
    assert lead.on_time_rate == 1.0
    assert dict(lead.ratings) == {"unsatisfied": 1, "satisfied": 1}
    assert lead.rated == 2
    assert lead.rate("satisfied") == 0.5
    assert lead.rate("basic") == 0.0
    assert lead.rate("unsatisfied") == 0.5
    assert (lead.reopens, lead.reopen_rate) == (1, 0.5)
    assert (lead.returns, lead.overdue, lead.orders_opened) == (0, 0, 1)
    closed_orders = SupervisionOrder.objects.filter(closed_at__isnull=False).count()
    assert lead.orders_closed == closed_orders
    co = figures_for(this_month(), staff["renshe"].unit_id)
    assert (co.led, co.co, co.closed, co.rated, co.reopens, co.orders_opened) == (0, 1, 0, 0, 0, 0)


def test_a_rating_counts_for_the_unit_that_led_when_it_was_given(city, staff):
    ticket = dispatched(city, staff)
    answer(ticket, staff)
    rate(ticket, "unsatisfied")
    svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), reason="不属本单位")
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["renshe"].unit_id
    )
    answer(ticket, staff, unit="renshe")
    rate(ticket, "basic")
    first = figures_for(this_month(), staff["zhujian"].unit_id)
    assert dict(first.ratings) == {"unsatisfied": 1}
    assert (first.led, first.returns, first.reopens, first.closed) == (1, 1, 1, 0)
    second = figures_for(this_month(), staff["renshe"].unit_id)
    assert dict(second.ratings) == {"basic": 1}
    assert (second.led, second.returns, second.reopens, second.closed) == (1, 0, 0, 1)


def test_a_reply_published_after_the_time_limit_is_not_on_time(city, staff):
    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    Ticket.objects.filter(pk=ticket.pk).update(due_at=clock.now() - dt.timedelta(hours=1))
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="已处理",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    rate(ticket, "satisfied")
    figures = figures_for(this_month(), staff["zhujian"].unit_id)
    assert (figures.closed, figures.on_time, figures.on_time_rate) == (1, 0, 0.0)


def test_an_approved_extension_moves_the_limit_the_reply_is_measured_against(city, staff, frozen):
    frozen(2026, 3, 2, 9)  # a Monday
    ticket = dispatched(city, staff)
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    svc.ticket_request_extension(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=5, reason="需要现场勘验"
    )
    extension = Extension.objects.get(ticket=ticket)
    svc.ticket_decide_extension(
        extension_id=extension.pk, actor=as_staff(staff["intake"]), approve=True
    )
    ticket.refresh_from_db()
    original = ticket.due_at - dt.timedelta(days=7)  # 5 working days earlier
    clock.freeze(original + dt.timedelta(days=1))  # past the original limit, within the new
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="已处理",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    rate(ticket, "satisfied")
    figures = figures_for(
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), staff["zhujian"].unit_id
    )
    assert (figures.closed, figures.on_time) == (1, 1)


def test_closing_unrated_counts_as_not_rated_and_stays_out_of_the_rates(city, staff):
    ticket = dispatched(city, staff)
    answer(ticket, staff)
    svc.ticket_close_unrated(ticket_id=ticket.pk, actor=as_staff(staff["callback"]))
    figures = figures_for(this_month(), staff["zhujian"].unit_id)
    assert figures.ratings["not_rated"] == 1
    assert figures.rated == 0
    assert figures.rate("satisfied") is None
    assert figures.reopen_rate is None
    assert figures.closed == 1


def test_overdue_counts_the_units_own_stages_only(city, staff):
    late_sign = dispatched(city, staff)
    late_review = dispatched(city, staff)
    svc.ticket_sign(ticket_id=late_review.pk, actor=as_staff(staff["zhujian"]))
    svc.ticket_reply(
        ticket_id=late_review.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
    )
    past = clock.now() - dt.timedelta(minutes=5)
    Ticket.objects.filter(pk__in=[late_sign.pk, late_review.pk]).update(stage_due_at=past)
    sweep()
    sweep()  # run twice: one overdue event per stage
    figures = figures_for(this_month(), staff["zhujian"].unit_id)
    assert figures.overdue == 1  # the review stage is the centre's, not the unit's


def test_supervision_orders_count_when_opened_and_when_closed(city, staff):
    ticket = dispatched(city, staff)
    order = sup.supervision_open(
        ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="加快办理"
    )
    figures = figures_for(this_month(), staff["zhujian"].unit_id)
    assert (figures.orders_opened, figures.orders_closed) == (1, 0)
    sup.supervision_close(
        order_id=order.pk, actor=as_staff(staff["supervisor"]), outcome="resolved"
    )
    figures = figures_for(this_month(), staff["zhujian"].unit_id)
    assert (figures.orders_opened, figures.orders_closed) == (1, 1)


def test_each_figure_falls_in_the_period_its_event_happened_in(city, staff, frozen):
    frozen(2026, 3, 31, 23, 30)  # city time
    ticket = dispatched(city, staff)
    answer(ticket, staff)
    frozen(2026, 4, 1, 0, 10)
    rate(ticket, "satisfied")
    unit = staff["zhujian"].unit_id
    march = figures_for(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), unit)
    april = figures_for(Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30)), unit)
    assert (march.led, march.rated, march.closed) == (1, 0, 0)
    assert (april.led, april.rated, april.closed) == (0, 1, 1)
    last_day = figures_for(Period(dt.date(2026, 3, 31), dt.date(2026, 3, 31)), unit)
    assert last_day.led == 1  # the last day is included, whole


def test_the_period_defaults_to_this_month_and_knows_its_shortcuts(frozen):
    frozen(2026, 1, 15, 12)
    assert period_from({}) == Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert period_from({"period": "last_month"}) == Period(
        dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    )
    assert period_from({"period": "this_year"}) == Period(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )
    assert period_from({"from": "2026-01-05", "to": "2026-01-09"}) == Period(
        dt.date(2026, 1, 5), dt.date(2026, 1, 9)
    )
    assert period_from({"to": "2026-01-09"}).first == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "tomorrow"}, "to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        ({"period": "forever"}, "period"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(params, field):
    with pytest.raises(ValidationFailed) as caught:
        period_from(params)
    assert caught.value.field == field
