"""Daily rollups of the units' records (`UnitDay`), so that the unit comparison and a unit's
record over a year read a few thousand rows instead of every request, assignment and event
of the year (docs/decisions/0010).

A day is *sealed* once: its figures are counted from the source by `supervision.tally`,
written as one row per unit, and the day is marked in `SealedDay`. A past day's figures
never change afterwards, because every figure is dated by a moment that is written once:
an assignment's creation, a timeline event, a request's closing (closed is final: a closed
request is only ever archived, and it was rated, or not, as it closed), a supervision
order's opening and closing. So no step on a request has to tell the rollups anything: the
worker seals the days that are `LAG_DAYS` old every night (`seal_due`), and a read takes
the sealed days from the rollups and counts the others (today, yesterday, anything not yet
sealed) from the source. Its cost follows the days not sealed, not the history.

Data written behind the services' back (a bulk load of past requests in SQL) is not seen by
sealed days: rebuild them after it with `minxin unitdays seal --from ... --rebuild`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from minxin.core import clock
from minxin.supervision.models import SealedDay, UnitDay
from minxin.supervision.tally import KINDS, Row, tally
from minxin.tickets.models import Ticket

# Today and yesterday stay counted from the source: a step dated late yesterday may still
# be committing after midnight, and the rollups never change once written.
LAG_DAYS = 2
Run = tuple[dt.date, dt.date]


def newest_sealable(today: dt.date | None = None) -> dt.date:
    return (today or clock.today()) - dt.timedelta(days=LAG_DAYS)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def seal(first: dt.date, last: dt.date) -> int:
    """Count [FIRST, LAST] (cut at the newest sealable day) from the source and write its
    rollups, replacing any; returns how many days were sealed. Six grouped queries for the
    whole span, however long."""
    last = min(last, newest_sealable())
    if first > last:
        return 0
    rows = tally(clock.day_start(first), clock.day_start(last + dt.timedelta(days=1)), by_day=True)
    cells: dict[tuple[dt.date, int], dict[str, int]] = defaultdict(dict)
    for unit_id, day, kind, n in rows:
        assert day is not None
        cells[(day, unit_id)][kind] = n
    days = _days(first, last)
    now = clock.now()
    with transaction.atomic():
        UnitDay.objects.filter(day__range=(first, last)).delete()
        UnitDay.objects.bulk_create(
            [UnitDay(day=day, unit_id=unit, **counts) for (day, unit), counts in cells.items()],
            batch_size=2_000,
        )
        SealedDay.objects.filter(day__range=(first, last)).delete()
        SealedDay.objects.bulk_create([SealedDay(day=d, sealed_at=now) for d in days])
    return len(days)


def seal_due() -> int:
    """Seal the days after the newest sealed one (from the first request's day when none
    is) up to the newest sealable day: the worker's nightly job."""
    newest = SealedDay.objects.order_by("-day").values_list("day", flat=True).first()
    if newest is not None:
        return seal(newest + dt.timedelta(days=1), newest_sealable())
    first = Ticket.objects.aggregate(first=Min("created_at"))["first"]
    if first is None:
        return 0
    return seal(timezone.localdate(first), newest_sealable())


def unsealed(first: dt.date, last: dt.date) -> list[Run]:
    """The runs of consecutive days of [FIRST, LAST] that are not sealed."""
    sealed = set(SealedDay.objects.filter(day__range=(first, last)).values_list("day", flat=True))
    runs: list[Run] = []
    for day in _days(first, last):
        if day in sealed:
            continue
        if runs and runs[-1][1] == day - dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def sealed_rows(first: dt.date, last: dt.date, unit_ids: list[int] | None) -> list[Row]:
    """The sums of the sealed days of [FIRST, LAST] per unit, as `tally` rows."""
    rows = UnitDay.objects.filter(day__range=(first, last))
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    sums = rows.values("unit_id").order_by().annotate(**{kind: Sum(kind) for kind in KINDS})
    return [
        (sum_row["unit_id"], None, kind, sum_row[kind])
        for sum_row in sums
        for kind in KINDS
        if sum_row[kind]
    ]


def rows_for(first: dt.date, last: dt.date, unit_ids: list[int] | None) -> list[Row]:
    """Every figure of [FIRST, LAST] per unit: the sealed days from the rollups, the other
    days counted from the source."""
    rows = sealed_rows(first, last, unit_ids)
    for run_first, run_last in unsealed(first, last):
        end = clock.day_start(run_last + dt.timedelta(days=1))
        rows += tally(clock.day_start(run_first), end, unit_ids)
    return rows
