"""The requests as open data: one anonymised row per request (docs/open-data.md).

No name, phone, address, coordinates, note or request text leaves; the title only through
the rule-based redaction of the typical-case library. Times are weeks, not moments. A row
whose cell (category × district × week submitted) holds fewer than the public threshold of
requests loses its category and district; if its first-level category and week still hold
fewer, that and its title go too (`generalise`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from minxin.analytics.public import threshold
from minxin.core.hashing import keyed_hash
from minxin.publicinfo.redact import redact
from minxin.tickets.models import Satisfaction, Status, Ticket

FIELDS = [
    "record_id",
    "request_type",
    "category_l1",
    "category",
    "district",
    "channel",
    "submitted_week",
    "status",
    "status_label",
    "lead_unit",
    "closed_week",
    "handling_days",
    "on_time",
    "satisfaction",
    "reopened",
    "title",
    "generalised",
]
FINISHED = (Status.CLOSED, Status.ARCHIVED)
VALUES = (
    "pk",
    "title",
    "request_type__code",
    "category__name",
    "category__parent__name",
    "district__name",
    "channel",
    "created_at",
    "status",
    "lead_unit__name",
    "closed_at",
    "due_at",
    "satisfaction",
    "reopen_count",
)


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (city time) of the week MOMENT falls in."""
    day = timezone.localdate(moment)
    return day - dt.timedelta(days=day.weekday())


def requests_before(day: dt.date) -> QuerySet[Ticket]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return Ticket.objects.filter(created_at__lt=start).order_by("pk")


def _top(row: dict[str, Any]) -> str:
    return row["category__parent__name"] or row["category__name"] or ""


def _cells(tickets: QuerySet[Ticket]) -> tuple[Counter, Counter]:
    fine: Counter = Counter()
    coarse: Counter = Counter()
    fields = ("category__name", "category__parent__name", "district__name", "created_at")
    for row in tickets.values(*fields).iterator(chunk_size=2000):
        week = week_of(row["created_at"])
        fine[(row["category__name"], row["district__name"], week)] += 1
        coarse[(_top(row), week)] += 1
    return fine, coarse


def _finished(row: dict[str, Any]) -> dict[str, Any]:
    closed = row["closed_at"] if row["status"] in FINISHED else None
    if closed is None:
        return {"closed_week": "", "handling_days": "", "on_time": ""}
    days = (closed - row["created_at"]).total_seconds() / 86400
    on_time = row["due_at"] is None or closed <= row["due_at"]
    return {
        "closed_week": week_of(closed).isoformat(),
        "handling_days": round(days, 1),
        "on_time": on_time,
    }


def _record(row: dict[str, Any]) -> dict[str, Any]:
    satisfaction = row["satisfaction"]
    return {
        "record_id": keyed_hash(str(row["pk"]), purpose="opendata-record")[:16],
        "request_type": row["request_type__code"],
        "category_l1": _top(row),
        "category": row["category__name"] or "",
        "district": row["district__name"] or "",
        "channel": row["channel"],
        "submitted_week": week_of(row["created_at"]).isoformat(),
        "status": row["status"],
        "status_label": Status(row["status"]).label,
        "lead_unit": row["lead_unit__name"] or "",
        **_finished(row),
        "satisfaction": satisfaction if satisfaction in Satisfaction.values else "",
        "reopened": row["reopen_count"] > 0,
        "title": redact(row["title"]),
        "generalised": 0,
    }


def generalise(record: dict[str, Any], fine: int, coarse: int) -> dict[str, Any]:
    """Level 0 as is; 1 without category and district; 2 also without level-one category
    and title. FINE and COARSE are the sizes of the row's two cells."""
    k = threshold()
    if fine >= k:
        return record
    record.update(category="", district="", generalised=1)
    if coarse < k:
        record.update(category_l1="", title="", generalised=2)
    return record


def records(day: dt.date) -> Iterator[dict[str, Any]]:
    """Every request submitted before DAY, anonymised, oldest first."""
    tickets = requests_before(day)
    fine, coarse = _cells(tickets)
    for row in tickets.values(*VALUES).iterator(chunk_size=2000):
        week = week_of(row["created_at"])
        yield generalise(
            _record(row),
            fine[(row["category__name"], row["district__name"], week)],
            coarse[(_top(row), week)],
        )
