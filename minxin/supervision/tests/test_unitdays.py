"""The units' record rollups: sealed days read from them equal the figures counted from the
source, for any period, sealed or not; today and yesterday are never sealed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command

from minxin.core import clock
from minxin.supervision import services as sup
from minxin.supervision import unitdays
from minxin.supervision.models import SealedDay, UnitDay
from minxin.supervision.records import Period, figures_for, unit_figures
from minxin.supervision.sweeps import sweep
from minxin.supervision.tally import Row, tally
from minxin.supervision.tests.test_records import answer, dispatched, frozen, rate
from minxin.tickets import services as svc
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import as_staff

pytestmark = pytest.mark.django_db
__all__ = ["frozen"]  # the fixture, imported for these tests


def totals(rows: list[Row]) -> Counter[tuple[int, str]]:
    counted: Counter[tuple[int, str]] = Counter()
    for unit_id, _day, kind, n in rows:
        counted[(unit_id, kind)] += n
    return counted


def direct(first: dt.date, last: dt.date) -> Counter[tuple[int, str]]:
    return totals(tally(clock.day_start(first), clock.day_start(last + dt.timedelta(days=1))))


def history(city, staff, frozen) -> dict[str, Ticket]:  # type: ignore[no-untyped-def]
    """Five days of March 2026 with every kind of figure, some on day boundaries."""
    frozen(2026, 3, 2, 9)
    a = dispatched(city, staff, co=("renshe",))
    b = dispatched(city, staff)
    answer(a, staff)
    frozen(2026, 3, 3, 23, 59)
    rate(a, "unsatisfied")  # reopened, an order opened
    svc.ticket_return(ticket_id=b.pk, actor=as_staff(staff["zhujian"]), reason="不属本单位")
    frozen(2026, 3, 4, 0, 0)
    svc.ticket_dispatch(  # again to the same unit: still one request led
        ticket_id=b.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    answer(a, staff)
    rate(a, "satisfied")
    c = dispatched(city, staff, unit="renshe")
    Ticket.objects.filter(pk=c.pk).update(stage_due_at=clock.now() - dt.timedelta(minutes=1))
    sweep()
    frozen(2026, 3, 5, 10)
    order = sup.supervision_open(ticket_id=b.pk, actor=as_staff(staff["supervisor"]), note="快")
    frozen(2026, 3, 6, 10)
    sup.supervision_close(
        order_id=order.pk, actor=as_staff(staff["supervisor"]), outcome="resolved"
    )
    answer(b, staff)
    svc.ticket_close_unrated(ticket_id=b.pk, actor=as_staff(staff["callback"]))
    return {"a": a, "b": b, "c": c}


PERIODS = [
    (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
    (dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
    (dt.date(2026, 3, 3), dt.date(2026, 3, 4)),
    (dt.date(2026, 3, 4), dt.date(2026, 3, 6)),
    (dt.date(2026, 2, 20), dt.date(2026, 3, 3)),
    (dt.date(2026, 3, 6), dt.date(2026, 3, 20)),
]


def test_sealed_and_unsealed_days_add_up_to_the_direct_count_for_every_period(city, staff, frozen):
    history(city, staff, frozen)
    frozen(2026, 3, 20, 12)
    kinds = {kind for _unit, kind in direct(dt.date(2026, 3, 1), dt.date(2026, 3, 31))}
    assert kinds >= {"led", "co", "closed", "on_time", "satisfied", "reopens", "returns"}
    assert kinds >= {"not_rated", "overdue", "orders_opened", "orders_closed"}
    for sealed in [(), ((3, 3), (3, 4)), ((3, 2), (3, 2)), ((2, 1), (3, 18))]:
        if sealed:
            (m1, d1), (m2, d2) = sealed
            unitdays.seal(dt.date(2026, m1, d1), dt.date(2026, m2, d2))
        for first, last in PERIODS:
            assert totals(unitdays.rows_for(first, last, None)) == direct(first, last)
    assert UnitDay.objects.exists()
    assert unitdays.unsealed(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == [
        (dt.date(2026, 3, 19), dt.date(2026, 3, 31))
    ]


def test_a_request_dispatched_twice_to_a_unit_counts_once_on_its_first_dispatch(
    city, staff, frozen
):
    history(city, staff, frozen)
    frozen(2026, 3, 20, 12)
    unitdays.seal_due()
    unit = staff["zhujian"].unit_id
    assert figures_for(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), unit).led == 2
    assert figures_for(Period(dt.date(2026, 3, 4), dt.date(2026, 3, 31)), unit).led == 0
    march = unit_figures(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    # Two orders: the 不满意's and the manual one, both closed by now.
    zhujian = march[unit]
    assert (zhujian.returns, zhujian.reopens, zhujian.orders_opened, zhujian.orders_closed) == (
        1,
        1,
        2,
        2,
    )
    assert march[staff["renshe"].unit_id].overdue == 1


def test_today_and_yesterday_are_never_sealed_and_count_from_the_source(city, staff, frozen):
    frozen(2026, 3, 2, 9)
    dispatched(city, staff)
    frozen(2026, 3, 3, 9)
    assert unitdays.seal_due() == 0  # 2 March is yesterday
    assert not SealedDay.objects.exists()
    frozen(2026, 3, 4, 9)
    assert unitdays.seal_due() == 1
    dispatched(city, staff)  # today, after the seal
    unit = staff["zhujian"].unit_id
    assert figures_for(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), unit).led == 2
    assert unitdays.seal_due() == 0  # nothing new is old enough


def test_the_command_seals_rebuilds_and_checks(city, staff, frozen, capsys):
    history(city, staff, frozen)
    frozen(2026, 3, 20, 12)
    call_command("unitdays", "seal")
    assert "sealed: 17 days" in capsys.readouterr().out  # 2 to 18 March
    UnitDay.objects.filter(day=dt.date(2026, 3, 4)).delete()  # a rollup gone wrong
    with pytest.raises(Exception, match="differ"):
        call_command("unitdays", "check", "--from", "2026-03-01", "--to", "2026-03-31")
    call_command("unitdays", "rebuild", "--from", "2026-03-04", "--to", "2026-03-04")
    call_command("unitdays", "check", "--from", "2026-03-01", "--to", "2026-03-31")
    assert "figures agree" in capsys.readouterr().out
