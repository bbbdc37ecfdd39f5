"""Reading the figures (`analytics.figures`) from the rollups: whole months from the monthly
rows, the days around them from the daily ones, each table read once per source and grouped
by what the caller shows (docs/analytics.md, "Rollups")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model, Q, QuerySet, Sum

from minxin.analytics.figures import COUNTS, Figures, Scope
from minxin.analytics.models import (
    DailyRollup,
    HandlingCount,
    MonthlyHandlingCount,
    MonthlyRollup,
)
from minxin.supervision.records import Period

DIMENSIONS = {
    "type": "request_type_id",
    "category": "category_id",
    "district": "district_id",
    "unit": "unit_id",
    "channel": "channel",
}


KEYS = list(DIMENSIONS.values())


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def split(period: Period) -> tuple[list[Period], Period | None]:
    """PERIOD as the days outside whole months (read from the daily rollups) and the whole
    months' first days (from the monthly ones, a row a month)."""
    first = period.first if period.first.day == 1 else month_end(period.first)
    first += dt.timedelta(days=0 if period.first.day == 1 else 1)
    last = period.last if month_end(period.last) == period.last else period.last.replace(day=1)
    last -= dt.timedelta(days=0 if month_end(period.last) == period.last else 1)
    if first > last:
        return [period], None
    edges = [Period(period.first, first - dt.timedelta(days=1))] if period.first < first else []
    if last < period.last:
        edges.append(Period(last + dt.timedelta(days=1), period.last))
    return edges, Period(first, last.replace(day=1))


def _sources(
    period: Period, scope: Scope, daily: type[Model], monthly: type[Model]
) -> list[QuerySet]:
    edges, months = split(period)
    found = []
    if edges:
        days = Q()
        for edge in edges:
            days |= Q(day__gte=edge.first, day__lte=edge.last)
        found.append(daily._default_manager.filter(days, scope.rollup_q()))
    if months:
        range_q = Q(day__gte=months.first, day__lte=months.last)
        found.append(monthly._default_manager.filter(range_q, scope.rollup_q()))
    return found


def _key(row: dict, by: list[str], months: bool) -> tuple:
    # Reading by month, a day's row counts in its month.
    return tuple(row[b].replace(day=1) if months and b == "day" else row[b] for b in by)


def _sums(period: Period, scope: Scope, by: list[str], months: bool) -> dict[tuple, Figures]:
    result: dict[tuple, Figures] = {}
    sums = {n: Sum(n) for n in COUNTS}
    for rows in _sources(period, scope, DailyRollup, MonthlyRollup):
        # values() with no names would group by every column
        found = [rows.aggregate(**sums)] if not by else rows.values(*by).order_by().annotate(**sums)
        for row in found:
            counts: dict[str, int] = {n: row[n] or 0 for n in COUNTS}
            result.setdefault(_key(row, by, months), Figures()).add(Figures(**counts))  # type: ignore[arg-type]
    return result


def _grouped(
    period: Period, scope: Scope, by: list[str], months: bool = False, histograms: bool = True
) -> dict[tuple, Figures]:
    """The figures per value of the BY columns: one query per rollup table and source
    (days, months); the handling-time distributions only when HISTOGRAMS."""
    result = _sums(period, scope, by, months)
    if not histograms:
        return result
    for rows in _sources(period, scope, HandlingCount, MonthlyHandlingCount):
        grouped = rows.values(*by, "workdays").order_by().annotate(n=Sum("count"))
        for row in grouped:  # never empty: grouped by the day count at least
            key = _key(row, by, months)
            result.setdefault(key, Figures()).handling[row["workdays"]] += row["n"]
    return result


def period_figures(period: Period, scope: Scope) -> Figures:
    """Every figure for PERIOD within SCOPE, from the rollups: two queries per source."""
    return _grouped(period, scope, []).get((), Figures())


def breakdown(period: Period, scope: Scope, dimension: str) -> dict[int | str, Figures]:
    """The figures per value of DIMENSION (a key of DIMENSIONS), without the distributions,
    grouped in SQL (folding a read of every key in Python cost more: 25,000 `Figures.add` a
    page); categories by their first level (`org.Category.top`) is the caller's folding,
    see `analytics.tables`."""
    column = DIMENSIONS[dimension]
    found = _grouped(period, scope, [column], histograms=False)
    return {key[0]: f for key, f in found.items()}


def daily(period: Period, scope: Scope) -> dict[dt.date, Figures]:
    """Per day, from the daily rollups only."""
    rows = DailyRollup.objects.filter(day__gte=period.first, day__lte=period.last)
    result: dict[dt.date, Figures] = {}
    sums = {n: Sum(n) for n in COUNTS}
    for row in rows.filter(scope.rollup_q()).values("day").order_by().annotate(**sums):
        result[row["day"]] = Figures(**{n: row[n] or 0 for n in COUNTS})  # type: ignore[arg-type]
    return result


def monthly(period: Period, scope: Scope) -> dict[dt.date, Figures]:
    """Per month (keyed by its first day; the period's first and last may be partial)."""
    found = _grouped(period, scope, ["day"], months=True, histograms=False)
    return {key[0]: f for key, f in found.items()}
