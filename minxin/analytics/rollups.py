"""Keeping the daily rollups right (docs/analytics.md, "Rollups").

Every step on a request marks the days it may change (`analytics.marks.touch`, called by
`tickets.timeline.record` inside the step's transaction, so a committed change always has
its mark). The worker (`refresh`, every minute) recomputes each marked day whole from the
requests, then deletes the marks it read. Two workers, or a worker and a rebuild, take the
day's `RollupDay` row lock first; the day is read after the lock is held, so it sees every
change committed before (PostgreSQL's READ COMMITTED reads a fresh snapshot per statement).
A mark is deleted only by a recompute that started after the mark's transaction committed:
nothing a writer did is ever left out, however many write at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from minxin.analytics import slices
from minxin.analytics.figures import (
    COUNTS,
    Figures,
    Scope,
    closed_in,
    co_parts_in,
    first_response_at,
    handling_workdays,
    on_time,
    published_at,
    response_minutes,
    submitted_in,
)
from minxin.analytics.models import (
    KEY_FIELDS,
    DailyRollup,
    DailySlice,
    DailySliceHandling,
    HandlingCount,
    MonthlyHandlingCount,
    MonthlyRollup,
    MonthlySlice,
    MonthlySliceHandling,
    RollupDay,
    RollupMark,
)
from minxin.core import clock
from minxin.supervision.records import Period
from minxin.tickets.models import Satisfaction, Ticket

Key = tuple[dt.date, int, int, int, int, str]
DIMS = ["request_type_id", "category_id", "district_id", "lead_unit_id", "channel"]
CO_DIMS = [
    "ticket__request_type_id",
    "ticket__category_id",
    "ticket__district_id",
    "unit_id",
    "ticket__channel",
]
RATING_FIELDS = {
    Satisfaction.SATISFIED: "satisfied",
    Satisfaction.BASIC: "basic",
    Satisfaction.UNSATISFIED: "unsatisfied",
}
MARK_BATCH = 2000
ROLLUP_MODELS = [
    DailyRollup,
    HandlingCount,
    MonthlyRollup,
    MonthlyHandlingCount,
    DailySlice,
    DailySliceHandling,
    MonthlySlice,
    MonthlySliceHandling,
]


def _key(moment: dt.datetime, dims: list) -> Key:
    type_id, category_id, district_id, unit_id, channel = dims
    day = timezone.localdate(moment)
    return (day, type_id, category_id or 0, district_id or 0, unit_id or 0, channel)


def compute(period: Period) -> dict[Key, Figures]:
    """Each day's figures per key over PERIOD, read from the requests (three queries)."""
    cells: dict[Key, Figures] = defaultdict(Figures)
    everything = Scope()
    submitted = submitted_in(period, everything).annotate(first=first_response_at())
    for *dims, created, first in submitted.values_list(*DIMS, "created_at", "first"):
        cell = cells[_key(created, dims)]
        cell.submitted += 1
        if first is not None:
            cell.responded += 1
            cell.response_minutes += response_minutes(created, first)
    closed = closed_in(period, everything).annotate(published=published_at())
    columns = ["closed_at", "created_at", "due_at", "published", "satisfaction", "reopen_count"]
    for *dims, closed_at, created, due, published, rating, reopens in closed.values_list(
        *DIMS, *columns
    ):
        cell = cells[_key(closed_at, dims)]
        cell.closed += 1
        cell.reopened += reopens > 0
        if rating in RATING_FIELDS:
            setattr(cell, RATING_FIELDS[rating], getattr(cell, RATING_FIELDS[rating]) + 1)
        if published is not None:
            cell.handled += 1
            cell.on_time += on_time(published, due)
            days = handling_workdays(created, published)
            cell.handling_days += days
            cell.handling[days] += 1
    parts = co_parts_in(period, everything)
    for *dims, opinion_at, due in parts.values_list(*CO_DIMS, "opinion_at", "due_at"):
        cell = cells[_key(opinion_at, dims)]
        cell.co_done += 1
        cell.co_on_time += on_time(opinion_at, due)
    return cells


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    return sorted({d.replace(day=1) for d in _days(first, last)})


def _month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def sum_months(first: dt.date, last: dt.date, sliced: bool = True) -> int:
    """Rewrite the monthly rollups and slices of the months FIRST..LAST touch from the daily
    ones (in SQL, one statement per table and month); returns the number of monthly rows.
    Called inside `recompute`, which holds the months' locks."""
    written = 0
    counts = [c for c in COUNTS]
    for month in _months(first, last):
        span = [month.isoformat(), _month_end(month).isoformat()]
        MonthlyRollup.objects.filter(day=month).delete()
        MonthlyHandlingCount.objects.filter(day=month).delete()
        for target, source, columns in (
            (MonthlyRollup, DailyRollup, [f"SUM({c})" for c in counts]),
            (MonthlyHandlingCount, HandlingCount, ["workdays", "SUM(count)"]),
        ):
            keys = ", ".join(KEY_FIELDS + (["workdays"] if source is HandlingCount else []))
            names = ", ".join(
                KEY_FIELDS + (counts if source is DailyRollup else ["workdays", "count"])
            )
            selected = ", ".join(KEY_FIELDS + columns)
            sql = (
                f"INSERT INTO {target._meta.db_table} (day, {names}) "
                f"SELECT %s, {selected} FROM {source._meta.db_table} "
                f"WHERE day >= %s AND day <= %s GROUP BY {keys}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [month.isoformat(), *span])
                written += cursor.rowcount if target is MonthlyRollup else 0
        if sliced:
            slices.write_month(month, _month_end(month))
    return written


@transaction.atomic
def recompute(first: dt.date, last: dt.date) -> int:
    """Replace the rollups of the days FIRST..LAST with figures read now, and those of
    their months; returns the number of daily keys written."""
    months = _months(first, last)
    RollupDay.objects.bulk_create(
        [RollupDay(day=d) for d in sorted(set(_days(first, last)) | set(months))],
        ignore_conflicts=True,
    )
    # The lock: a second worker on these days waits here, then reads after our commit. A
    # month's sum is guarded by its first day's row, taken in the same ascending order.
    locked = Q(day__range=(first, last)) | Q(day__in=months)
    list(RollupDay.objects.select_for_update().filter(locked).order_by("day"))
    cells = compute(Period(first, last))
    DailyRollup.objects.filter(day__range=(first, last)).delete()
    HandlingCount.objects.filter(day__range=(first, last)).delete()
    rows, histogram = [], []
    for key, figures in cells.items():
        names = dict(zip(["day", *KEY_FIELDS], key, strict=True))
        counts = {n: getattr(figures, n) for n in COUNTS}
        rows.append(DailyRollup(**names, **counts))
        histogram += [
            HandlingCount(**names, workdays=d, count=n) for d, n in figures.handling.items()
        ]
    DailyRollup.objects.bulk_create(rows, batch_size=1000)
    HandlingCount.objects.bulk_create(histogram, batch_size=1000)
    slices.write_days(first, last)
    sum_months(first, last)
    RollupDay.objects.filter(day__range=(first, last)).update(computed_at=clock.now())
    return len(rows)


def refresh(batch: int = MARK_BATCH) -> int:
    """Recompute the days marked since the last run (the worker, every minute); returns
    the number of days recomputed."""
    marks = list(RollupMark.objects.order_by("id").values_list("id", "day")[:batch])
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for mark_id, day in marks:
        by_day[day].append(mark_id)
    for day in sorted(by_day):
        with transaction.atomic():
            recompute(day, day)
            RollupMark.objects.filter(id__in=by_day[day]).delete()
    return len(by_day)


def refresh_all() -> int:
    days = 0
    while True:
        done = refresh()
        if not done:
            return days
        days += done


def rebuild(first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Recompute every day from the first request (or FIRST) to today (or LAST), a month
    at a time, each month in its own transaction; returns the number of keys written."""
    oldest = Ticket.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None and first is None:
        for model in ROLLUP_MODELS:
            model._default_manager.all().delete()
        return 0
    first = first or timezone.localdate(oldest)
    last = last or clock.today()
    written, start = 0, first
    while start <= last:
        following = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(last, following - dt.timedelta(days=1))
        written += recompute(start, end)
        start = end + dt.timedelta(days=1)
    return written


@transaction.atomic
def sum_all_months() -> int:
    """Rewrite every monthly rollup and every slice from the daily rollups (after those were
    written by other means, e.g. a migration or `benchmarks/scale_seed.py`)."""
    days = DailyRollup.objects.order_by("day").values_list("day", flat=True)
    first, last = days.first(), days.last()
    # A database seeded before the slices' migration (`benchmarks/scale_seed.py` runs this
    # at the end of a long fill): that migration sums them when it is applied.
    sliced = DailySlice._meta.db_table in connection.introspection.table_names()
    for model in ROLLUP_MODELS[2:] if sliced else ROLLUP_MODELS[2:4]:
        model._default_manager.all().delete()
    if first is None or last is None:
        return 0
    if sliced:
        slices.write_days(first, last)
    return sum_months(first, last, sliced)
