"""The units' record figures counted straight from the requests, assignments, timeline events
and supervision orders of a span of time: per unit, or per unit and day.

`supervision.records` says what each figure means; this module is its one implementation in
SQL. The record pages read it only for the days the daily rollups (`supervision.unitdays`)
have not sealed yet, and the rollups are written from it, so both always agree.

Every row is (unit id, day or None, kind, count); KINDS are the rollup's columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from minxin.supervision.models import SupervisionOrder
from minxin.tickets.models import Assignment, Reply, Satisfaction, Status, Ticket, TimelineEvent

KINDS = [
    "led",
    "co",
    "closed",
    "on_time",
    Satisfaction.SATISFIED.value,
    Satisfaction.BASIC.value,
    Satisfaction.UNSATISFIED.value,
    Satisfaction.NOT_RATED.value,
    "reopens",
    "returns",
    "overdue",
    "orders_opened",
    "orders_closed",
]
EVENT_KINDS = {"reopen": "reopens", "return": "returns"}  # an action -> its kind
# The stages whose deadline is the lead unit's: sign-for (dispatched) and handling (signed).
UNIT_STAGES = [Status.DISPATCHED, Status.SIGNED, Status.UNIT_REVIEW]
Row = tuple[int, "dt.date | None", str, int]


def _within(start: dt.datetime, end: dt.datetime, name: str) -> Q:
    return Q(**{f"{name}__gte": start, f"{name}__lt": end})


def _only(rows: QuerySet, name: str, unit_ids: list[int] | None) -> QuerySet:
    return rows if unit_ids is None else rows.filter(**{f"{name}__in": unit_ids})


def _grouped(
    rows: QuerySet, keys: list[str], stamp: str, by_day: bool, **counts: Count
) -> list[tuple]:
    """ROWS grouped by KEYS (and by the city-time day of STAMP if BY_DAY): each group's KEYS,
    its day if BY_DAY, then its COUNTS in their order."""
    keys = list(keys)
    if by_day:
        rows = rows.annotate(day=TruncDate(stamp, tzinfo=timezone.get_current_timezone()))
        keys.append("day")
    grouped = rows.values(*keys).order_by().annotate(**counts)
    return list(grouped.values_list(*keys, *counts))


def _assigned(
    start: dt.datetime, end: dt.datetime, unit_ids: list[int] | None, by_day: bool
) -> Iterable[Row]:
    """led / co: a request counts once for a unit, on its first dispatch to the unit in that
    role, however often it comes back."""
    # The first assignment of the request to the unit in that role, looked up per row of
    # the span through the request's few assignments (as NOT EXISTS, PostgreSQL hashed
    # every assignment ever made to answer for one day's).
    first = (
        Assignment.objects.filter(
            ticket_id=OuterRef("ticket_id"), unit_id=OuterRef("unit_id"), role=OuterRef("role")
        )
        .order_by("created_at", "id")
        .values("id")[:1]
    )
    rows = _only(
        Assignment.objects.filter(_within(start, end, "created_at"), id=Subquery(first)),
        "unit_id",
        unit_ids,
    )
    kinds = {Assignment.Role.LEAD: "led", Assignment.Role.CO: "co"}
    for unit_id, role, *day, n in _grouped(
        rows, ["unit_id", "role"], "created_at", by_day, n=Count("id")
    ):
        yield unit_id, (day[0] if day else None), kinds[role], n


def _closed(
    start: dt.datetime, end: dt.datetime, unit_ids: list[int] | None, by_day: bool
) -> Iterable[Row]:
    published = (
        Reply.objects.filter(ticket=OuterRef("pk"), review=Reply.Review.APPROVED)
        .order_by("-published_at")
        .values("published_at")[:1]
    )
    rows = _only(
        Ticket.objects.filter(
            _within(start, end, "closed_at"),
            lead_unit__isnull=False,
            status__in=[Status.CLOSED, Status.ARCHIVED],
        ),
        "lead_unit_id",
        unit_ids,
    ).annotate(published=Subquery(published))
    on_time = Count("id", filter=Q(published__lte=F("due_at")))
    for unit_id, *day, n, timely in _grouped(
        rows, ["lead_unit_id"], "closed_at", by_day, n=Count("id"), on_time=on_time
    ):
        day_or_none = day[0] if day else None
        yield unit_id, day_or_none, "closed", n
        yield unit_id, day_or_none, "on_time", timely


def _events(
    start: dt.datetime, end: dt.datetime, unit_ids: list[int] | None, by_day: bool
) -> Iterable[Row]:
    """Ratings, reopens, returns and overdue stages, each attributed to its unit: the unit
    that led the request when it was rated or reopened, the unit a return or overdue event
    names."""
    lead_then = (
        Assignment.objects.filter(
            ticket_id=OuterRef("ticket_id"),
            role=Assignment.Role.LEAD,
            created_at__lte=OuterRef("at"),
        )
        .order_by("-created_at", "-id")
        .values("unit_id")[:1]
    )
    owner = Case(
        When(action__in=["return", "overdue", "co_overdue"], then=F("unit_id")),
        When(action="reopen", then=Subquery(lead_then)),
        default=F("ticket__lead_unit_id"),
        output_field=IntegerField(),
    )
    kind = Case(
        When(action="rate", then=F("ticket__satisfaction")),
        When(action="close_unrated", then=Value(Satisfaction.NOT_RATED.value)),
        When(action="co_overdue", then=Value("overdue")),
        default=F("action"),
        output_field=CharField(),
    )
    wanted = Q(action__in=["rate", "reopen", "close_unrated", "return", "co_overdue"]) | Q(
        action="overdue", from_status__in=UNIT_STAGES
    )
    rows = TimelineEvent.objects.filter(_within(start, end, "at"), wanted).annotate(
        owner=owner, kind=kind
    )
    # The units are picked from the few groups, not in SQL: a filter on the computed owner
    # made PostgreSQL join every request (a hash of 100,000 rows for 500 events).
    wanted_units = None if unit_ids is None else set(unit_ids)
    for owner_id, event_kind, *day, n in _grouped(
        rows, ["owner", "kind"], "at", by_day, n=Count("id")
    ):
        if owner_id is None or wanted_units is not None and owner_id not in wanted_units:
            continue
        yield owner_id, (day[0] if day else None), EVENT_KINDS.get(event_kind, event_kind), n


def _orders(
    start: dt.datetime, end: dt.datetime, unit_ids: list[int] | None, by_day: bool
) -> Iterable[Row]:
    for stamp, kind in (("opened_at", "orders_opened"), ("closed_at", "orders_closed")):
        # Orders to the centre (no unit: the request was not yet dispatched) are no unit's.
        orders = SupervisionOrder.objects.filter(_within(start, end, stamp), unit__isnull=False)
        rows = _only(orders, "unit_id", unit_ids)
        for unit_id, *day, n in _grouped(rows, ["unit_id"], stamp, by_day, n=Count("id")):
            yield unit_id, (day[0] if day else None), kind, n


def tally(
    start: dt.datetime, end: dt.datetime, unit_ids: list[int] | None = None, *, by_day: bool = False
) -> list[Row]:
    """Every figure of [START, END) per unit (of UNIT_IDS, default all), and per day if BY_DAY:
    six grouped queries however many units and days."""
    rows: list[Row] = []
    for part in (_assigned, _closed, _events, _orders):
        rows.extend(part(start, end, unit_ids, by_day))
    return [row for row in rows if row[3]]
