"""Reading the figures (`analytics.figures`) from the rollups: whole months from the monthly
rows, the days around them from the daily ones, each table read once per source and grouped
by what the caller shows (docs/analytics.md, "Rollups")."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model, Q, QuerySet, Sum

from minxin.analytics.figures import COUNTS, Figures, Scope
from minxin.analytics.models import (
    SLICE_DIMENSIONS,
    DailyRollup,
    DailySlice,
    DailySliceHandling,
    HandlingCount,
    MonthlyHandlingCount,
    MonthlyRollup,
    MonthlySlice,
    MonthlySliceHandling,
)
from minxin.supervision.records import Period

DIMENSIONS = SLICE_DIMENSIONS
KEYS = list(DIMENSIONS.values())
Tables = tuple[type[Model], type[Model]]  # (daily, monthly)
ROLLUPS: tuple[Tables, Tables] = (
    (DailyRollup, MonthlyRollup),
    (HandlingCount, MonthlyHandlingCount),
)
SLICES: tuple[Tables, Tables] = (
    (DailySlice, MonthlySlice),
    (DailySliceHandling, MonthlySliceHandling),
)


def narrowed(scope: Scope) -> list[tuple[str, list[str]]]:
    """The dimensions SCOPE narrows, each with its values as the slices store them."""
    found = [
        ("unit", scope.unit_ids),
        ("type", None if scope.request_type_id is None else [scope.request_type_id]),
        ("category", scope.category_ids),
        ("district", None if scope.district_id is None else [scope.district_id]),
        ("channel", [scope.channel] if scope.channel else None),
    ]
    return [(name, sorted(str(v) for v in values)) for name, values in found if values is not None]


def _where(scope: Scope, keys: bool = False) -> tuple[tuple[Tables, Tables], Q]:
    """Where SCOPE's totals are read: the slices when it narrows at most one dimension
    (the whole city's, or the values of that one), else (or when KEYS) the rollups' keys."""
    cuts = narrowed(scope)
    if keys:
        return ROLLUPS, scope.rollup_q()
    if not cuts:
        return SLICES, Q(dimension="")
    if len(cuts) == 1:
        name, values = cuts[0]
        return SLICES, Q(dimension=name, value__in=values)
    return ROLLUPS, scope.rollup_q()


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


def _sources(period: Period, where: Q, tables: Tables) -> list[QuerySet]:
    daily, monthly = tables
    edges, months = split(period)
    found = []
    if edges:
        days = Q()
        for edge in edges:
            days |= Q(day__gte=edge.first, day__lte=edge.last)
        found.append(daily._default_manager.filter(days, where))
    if months:
        range_q = Q(day__gte=months.first, day__lte=months.last)
        found.append(monthly._default_manager.filter(range_q, where))
    return found


def _key(row: dict, by: list[str], months: bool) -> tuple:
    # Reading by month, a day's row counts in its month.
    return tuple(row[b].replace(day=1) if months and b == "day" else row[b] for b in by)


def _sums(
    period: Period, where: Q, tables: Tables, by: list[str], months: bool
) -> dict[tuple, Figures]:
    result: dict[tuple, Figures] = {}
    sums = {n: Sum(n) for n in COUNTS}
    for rows in _sources(period, where, tables):
        # values() with no names would group by every column
        found = [rows.aggregate(**sums)] if not by else rows.values(*by).order_by().annotate(**sums)
        for row in found:
            counts: dict[str, int] = {n: row[n] or 0 for n in COUNTS}
            result.setdefault(_key(row, by, months), Figures()).add(Figures(**counts))  # type: ignore[arg-type]
    return result


def _grouped(
    period: Period,
    scope: Scope,
    by: list[str],
    months: bool = False,
    histograms: bool = True,
    keys: bool = False,
) -> dict[tuple, Figures]:
    """SCOPE's figures per value of BY (nothing, or "day"): one query per table and source
    (days, months); the handling-time distributions only when HISTOGRAMS."""
    (counts, handling), where = _where(scope, keys)
    result = _sums(period, where, counts, by, months)
    if not histograms:
        return result
    for rows in _sources(period, where, handling):
        grouped = rows.values(*by, "workdays").order_by().annotate(n=Sum("count"))
        for row in grouped:  # never empty: grouped by the day count at least
            key = _key(row, by, months)
            result.setdefault(key, Figures()).handling[row["workdays"]] += row["n"]
    return result


def period_figures(period: Period, scope: Scope, keys: bool = False) -> Figures:
    """Every figure for PERIOD within SCOPE: two queries per source. KEYS reads the
    rollups' keys even where a slice holds the sum (`minxin analytics check`)."""
    return _grouped(period, scope, [], keys=keys).get((), Figures())


def breakdown(period: Period, scope: Scope, dimension: str) -> dict[int | str, Figures]:
    """The figures per value of DIMENSION (a key of DIMENSIONS), without the distributions;
    see `breakdowns`."""
    return breakdowns(period, scope, [dimension])[dimension]


def breakdowns(
    period: Period, scope: Scope, dimensions: list[str]
) -> dict[str, dict[int | str, Figures]]:
    """The figures per value of each of DIMENSIONS, grouped in SQL: those the slices hold
    (every one when SCOPE narrows no dimension, else the one it narrows) in one query per
    source, a row per value and month; the others from the rollup rows in SCOPE, a query
    each. Categories by their first level (`org.Category.top`) is the caller's folding,
    see `analytics.tables`."""
    cuts = narrowed(scope)
    sliced = [d for d in dimensions if all(name == d for name, _ in cuts)]
    found: dict[str, dict[int | str, Figures]] = {d: {} for d in dimensions}
    if sliced:
        where = Q(dimension__in=sliced)
        if cuts:
            where &= Q(value__in=cuts[0][1])
        rows = _sums(period, where, SLICES[0], ["dimension", "value"], False)
        for (dimension, value), figures in rows.items():
            found[dimension][_value(dimension, value)] = figures
    for dimension in dimensions:
        if dimension not in sliced:
            keyed = _sums(period, scope.rollup_q(), ROLLUPS[0], [DIMENSIONS[dimension]], False)
            found[dimension] = {key[0]: f for key, f in keyed.items()}
    return found


def _value(dimension: str, text: str) -> int | str:
    return text if dimension == "channel" else int(text)


def daily(period: Period, scope: Scope) -> dict[dt.date, Figures]:
    """Per day, from the daily rows only."""
    ((table, _), _), where = _where(scope)
    rows = table._default_manager.filter(where, day__gte=period.first, day__lte=period.last)
    result: dict[dt.date, Figures] = {}
    sums = {n: Sum(n) for n in COUNTS}
    for row in rows.values("day").order_by().annotate(**sums):
        result[row["day"]] = Figures(**{n: row[n] or 0 for n in COUNTS})  # type: ignore[arg-type]
    return result


def monthly(period: Period, scope: Scope) -> dict[dt.date, Figures]:
    """Per month (keyed by its first day; the period's first and last may be partial)."""
    found = _grouped(period, scope, ["day"], months=True, histograms=False)
    return {key[0]: f for key, f in found.items()}
