"""Property: after any sequence of steps on any requests, with the worker running at any
points in between, the rollups and their slices give the figures computed straight from the
requests."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minxin.analytics import rollups
from minxin.analytics.figures import COUNTS, Figures, Scope, direct
from minxin.analytics.reads import DIMENSIONS, breakdown, period_figures
from minxin.analytics.tests import walk
from minxin.core import clock
from minxin.core.errors import DomainError
from minxin.supervision.records import Period
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor

UNITS = ["zhujian", "huanbao", "heping"]
STEP = st.one_of(
    st.tuples(
        st.just("submit"),
        st.sampled_from(["complaint", "consultation", "help"]),
        st.sampled_from(["heping", "shenhe"]),
        st.sampled_from(["web", "phone"]),
    ),
    st.tuples(st.just("accept"), st.integers(0, 3), st.sampled_from(["物业管理", "噪声污染"])),
    st.tuples(st.just("dispatch"), st.integers(0, 3), st.sampled_from(UNITS), st.booleans()),
    st.tuples(st.just("handle"), st.integers(0, 3)),
    st.tuples(st.just("co"), st.integers(0, 3)),
    st.tuples(st.just("answer"), st.integers(0, 3)),
    st.tuples(
        st.just("rate"), st.integers(0, 3), st.sampled_from(["satisfied", "basic", "unsatisfied"])
    ),
    st.tuples(st.just("unrated"), st.integers(0, 3)),
    st.tuples(st.just("reject"), st.integers(0, 3)),
    st.tuples(st.just("return"), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.integers(1, 96)),
    st.tuples(st.just("advance"), st.integers(0, 3), st.sampled_from(UNITS)),
    st.tuples(st.just("advance"), st.integers(0, 3), st.sampled_from(UNITS)),
    st.tuples(
        st.just("worker"),
    ),
)


class _Rollback(Exception):
    pass


def _scope_of(dimension: str, value: int | str) -> Scope:
    if dimension == "unit":
        return Scope(unit_ids=frozenset({int(value)}))
    if dimension == "category":
        return Scope(category_ids=frozenset({int(value)}))
    if dimension == "channel":
        return Scope(channel=str(value))
    return Scope(**{f"{DIMENSIONS[dimension]}": int(value)})


def _counts(f: Figures) -> dict[str, int]:
    return {n: getattr(f, n) for n in COUNTS}


def _check_slices(period: Period) -> None:
    """Each dimension's slices: every value's counts are its requests' (0, "no district"
    and the like, is what the others leave of the total)."""
    whole = _counts(direct(period, Scope()))
    for dimension in DIMENSIONS:
        found = breakdown(period, Scope(), dimension)
        summed = Figures()
        for value, figures in found.items():
            summed.add(figures)
            if value not in (0, ""):
                expected = _counts(direct(period, _scope_of(dimension, value)))
                assert _counts(figures) == expected, (dimension, value)
        assert _counts(summed) == whole, dimension


def _apply(step: tuple, tickets: list, city: dict, staff: dict) -> None:
    name, *args = step
    if name == "submit":
        tickets.append(walk.submit(city, kind=args[0], district=args[1], channel=args[2]))
        return
    if name == "wait":
        clock.freeze(clock.now() + dt.timedelta(hours=args[0]))
        return
    if name == "worker":
        rollups.refresh()
        return
    if not tickets:
        return
    t = tickets[args[0] % len(tickets)]
    t.refresh_from_db()
    lead = t.lead_unit.code if t.lead_unit_id else "zhujian"
    intake = Actor.staff(staff["intake"])
    try:
        if name == "advance":
            _advance(t, staff, lead if t.lead_unit_id else args[1])
        elif name == "accept":
            walk.accept(t, staff, category=args[1])
        elif name == "dispatch":
            walk.dispatch(t, staff, args[1], co=("renshe",) if args[2] else ())
        elif name == "handle":
            walk.sign(t, staff, lead)
            walk.reply_and_approve(t, staff, lead)
        elif name == "co":
            walk.co_opinion(t, staff, "renshe")
        elif name == "answer":
            svc.ticket_answer(ticket_id=t.pk, actor=intake, public_reply="答复")
        elif name == "rate":
            walk.rate(t, staff, args[1])
        elif name == "unrated":
            svc.ticket_close_unrated(ticket_id=t.pk, actor=Actor.system_actor())
        elif name == "reject":
            svc.ticket_reject(ticket_id=t.pk, actor=intake, reason="不属于受理范围")
        elif name == "return":
            svc.ticket_return(ticket_id=t.pk, actor=Actor.staff(staff[lead]), reason="非本单位")
    except (DomainError, KeyError):
        pass  # not legal in this state, or no such persona: the step changes nothing


def _advance(t, staff: dict, unit: str) -> None:  # type: ignore[no-untyped-def]
    """The next step of the usual path, so that sequences reach closing often."""
    if t.status == "submitted":
        walk.accept(t, staff)
    elif t.status in ("accepted", "returned"):
        walk.dispatch(t, staff, unit, co=("renshe",))
    elif t.status in ("dispatched", "signed"):
        walk.sign(t, staff, unit) if t.status == "dispatched" else None
        walk.reply_and_approve(t, staff, unit)
    elif t.status == "published":
        walk.rate(t, staff, "unsatisfied" if t.pk % 2 else "satisfied")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=10, max_size=40), cut=st.integers(0, 6))
def test_rollups_equal_a_direct_aggregate(city, staff, steps, cut):  # type: ignore[no-untyped-def]
    try:
        with transaction.atomic():
            walk.at("2026-03-02", 9)
            tickets: list = []
            for step in steps:
                _apply(step, tickets, city, staff)
            rollups.refresh_all()
            first = dt.date(2026, 3, 1)
            last = clock.today() + dt.timedelta(days=1)
            for period in (Period(first, last), Period(first + dt.timedelta(days=cut), last)):
                for scope in (
                    Scope(),
                    Scope(unit_ids=frozenset({staff["zhujian"].unit_id})),
                    Scope(unit_ids=frozenset({staff["renshe"].unit_id})),
                    Scope(channel="phone", district_id=city["units"]["heping"].pk),
                    Scope(channel="phone"),
                    Scope(district_id=city["units"]["heping"].pk),
                ):
                    assert period_figures(period, scope) == direct(period, scope), (period, scope)
                _check_slices(period)
            raise _Rollback
    except _Rollback:
        pass
