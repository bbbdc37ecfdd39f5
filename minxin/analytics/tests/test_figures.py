"""The figures' definitions on a month of requests walked through the real services."""

from __future__ import annotations

import datetime as dt

from minxin.analytics import rollups
from minxin.analytics.figures import Scope, backlog_now, direct
from minxin.analytics.models import DailyRollup, MonthlyRollup, MonthlySlice
from minxin.analytics.reads import breakdown, monthly, period_figures, split
from minxin.analytics.tests.walk import MARCH, at
from minxin.supervision.records import Period


def test_the_city_figures_follow_their_definitions(month):  # type: ignore[no-untyped-def]
    rollups.refresh_all()
    f = period_figures(MARCH, Scope())
    assert f.submitted == 6
    assert (f.closed, f.on_time) == (4, 3)  # the rejection is not a closing; one late
    assert f.on_time_rate == 0.75
    assert (f.satisfied, f.basic, f.unsatisfied, f.rated) == (2, 1, 0, 3)
    assert f.satisfaction_rate == 1.0  # the unrated consultation is not in it
    assert f.reopened == 1
    assert f.reopen_rate == 0.25
    # Working days from submission to the last reply: 2 (3/2→3/4), 20 (3/2→3/30),
    # 5 (3/3→3/10), 0 (answered the same day).
    assert sorted(f.handling.elements()) == [0, 2, 5, 20]
    assert f.avg_handling_workdays == 27 / 4
    assert f.p90_handling_workdays == 20
    assert (f.co_done, f.co_on_time) == (1, 1)
    assert f.responded == 6
    assert (f.avg_response_hours or 0) > 0


def test_rollups_agree_with_the_requests(month):  # type: ignore[no-untyped-def]
    rollups.refresh_all()
    assert period_figures(MARCH, Scope()) == direct(MARCH, Scope())
    early = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    assert period_figures(early, Scope()) == direct(early, Scope())


def test_a_unit_reads_its_own_figures(month, staff):  # type: ignore[no-untyped-def]
    rollups.refresh_all()
    zhujian = Scope(unit_ids=frozenset({staff["zhujian"].unit_id}))
    f = period_figures(MARCH, zhujian)
    assert (f.submitted, f.closed, f.reopened) == (2, 2, 1)
    renshe = period_figures(MARCH, Scope(unit_ids=frozenset({staff["renshe"].unit_id})))
    assert (renshe.co_done, renshe.closed) == (1, 0)


def test_breakdowns_by_district_and_channel(month, city):  # type: ignore[no-untyped-def]
    rollups.refresh_all()
    by_district = breakdown(MARCH, Scope(), "district")
    assert by_district[city["units"]["shenhe"].pk].submitted == 1
    assert by_district[city["units"]["heping"].pk].submitted == 5
    assert breakdown(MARCH, Scope(), "channel")["phone"].closed == 1


def test_backlog_and_overdue_now(month):  # type: ignore[no-untyped-def]
    at("2026-04-30")
    now = backlog_now(Scope())
    assert now == {"backlog": 1, "overdue": 1}


def test_a_rebuild_gives_what_the_worker_kept(month):  # type: ignore[no-untyped-def]
    rollups.refresh_all()
    kept = period_figures(MARCH, Scope())
    at("2026-04-01")
    rollups.rebuild()
    assert period_figures(MARCH, Scope()) == kept


def test_a_period_splits_into_whole_months_and_the_days_around_them():
    d = dt.date
    assert split(Period(d(2026, 3, 1), d(2026, 3, 31))) == (
        [],
        Period(d(2026, 3, 1), d(2026, 3, 1)),
    )
    assert split(Period(d(2026, 3, 5), d(2026, 3, 20))) == (
        [Period(d(2026, 3, 5), d(2026, 3, 20))],
        None,
    )
    edges, months = split(Period(d(2025, 12, 15), d(2026, 4, 2)))
    assert edges == [Period(d(2025, 12, 15), d(2025, 12, 31)), Period(d(2026, 4, 1), d(2026, 4, 2))]
    assert months == Period(d(2026, 1, 1), d(2026, 3, 1))
    assert split(Period(d(2026, 2, 1), d(2026, 2, 28)))[1] == Period(d(2026, 2, 1), d(2026, 2, 1))


def test_monthly_rollups_give_the_days_figures(month):  # type: ignore[no-untyped-def]
    """Whole months read from the monthly rows, the edges from the daily ones: the same
    figures as the requests give, however the period is cut; a day's change rewrites its
    month."""
    rollups.refresh_all()
    assert MonthlyRollup.objects.filter(day=dt.date(2026, 3, 1)).exists()
    for period in (
        Period(dt.date(2026, 2, 20), dt.date(2026, 4, 10)),
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
        Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    ):
        assert period_figures(period, Scope()) == direct(period, Scope()), period
    assert (
        monthly(Period(dt.date(2026, 2, 20), dt.date(2026, 4, 10)), Scope())[
            dt.date(2026, 3, 1)
        ].submitted
        == direct(MARCH, Scope()).submitted
    )
    MonthlyRollup.objects.all().delete()
    rollups.recompute(dt.date(2026, 3, 10), dt.date(2026, 3, 10))  # one day: its month again
    assert period_figures(MARCH, Scope()) == direct(MARCH, Scope())


def test_slices_hold_the_city_and_each_dimension(month, staff, city):  # type: ignore[no-untyped-def]
    """The whole city's figures and its breakdowns read the slices (a row per value), a
    unit's breakdowns its own rollup rows; a day's change rewrites its month's slices."""
    rollups.refresh_all()
    march = MonthlySlice.objects.filter(day=dt.date(2026, 3, 1))
    assert march.get(dimension="").submitted == 6
    assert march.get(dimension="district", value=str(city["units"]["shenhe"].pk)).submitted == 1
    DailyRollup.objects.all().delete()
    MonthlyRollup.objects.all().delete()
    assert period_figures(MARCH, Scope()).submitted == 6  # no key row read
    assert breakdown(MARCH, Scope(), "channel")["phone"].closed == 1
    MonthlySlice.objects.all().delete()
    rollups.recompute(dt.date(2026, 3, 10), dt.date(2026, 3, 10))  # the month's slices again
    assert MonthlySlice.objects.get(day=dt.date(2026, 3, 1), dimension="").submitted == 6
    rollups.rebuild(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    zhujian = Scope(unit_ids=frozenset({staff["zhujian"].unit_id}))
    by_channel = breakdown(MARCH, zhujian, "channel")  # from the unit's rollup rows
    assert sum(f.submitted for f in by_channel.values()) == 2
    assert breakdown(MARCH, zhujian, "unit") == {
        staff["zhujian"].unit_id: breakdown(MARCH, Scope(), "unit")[staff["zhujian"].unit_id]
    }
    assert period_figures(MARCH, zhujian) == direct(MARCH, zhujian)


def test_the_open_scope_index_names_the_open_states():
    """Its condition must be the query's (`backlog_now`), or PostgreSQL never uses it."""
    from importlib import import_module

    from minxin.tickets.models import OPEN_STATUSES

    migration = import_module("minxin.analytics.migrations.0004_ticket_indexes")
    assert migration.OPEN == ", ".join(f"'{s}'" for s in OPEN_STATUSES)
