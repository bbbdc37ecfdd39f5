"""The city's figures (统计口径): each one defined once, here (docs/analytics.md says the
same in prose). Dashboards, public statistics, exports and the 红黑榜's scores read them.

A period is `supervision.records.Period` ([first, last] days in city time). A request counts
in a period by one moment per figure:

- volume (受理量): requests submitted in the period, by type, category, district, channel and
  lead unit (the unit leading it now; 0 while none does).
- first response (首次响应): hours from submission to the first step the centre took on it
  (受理, 不予受理, 直接答复, 派遣, 要求补充, 并案), over the requests submitted in the period
  that have one.
- closed (办结): requests closed in the period after a reply reached the citizen (rated, or
  closed unrated); 不予受理 and 并案 are not closings.
- on time (按期办结): a closed request whose last approved reply was published no later than
  its time limit (`Ticket.due_at`, which approved extensions and the citizen's pauses move).
  On-time rate = on time / closed.
- handling time (办理用时): working days (`sla.calendar.workdays_between`: days after the
  submission day up to the publication day) from submission to the last published reply, of
  the closed requests; average, and the 90th percentile by nearest rank.
- satisfaction rate (满意率) = (满意 + 基本满意) / rated requests closed in the period, by the
  final rating; 未评价 is not rated.
- reopen rate (重办率) = closed requests that were reopened (重办) at least once / closed.
- co-handling parts on time (协办按期率): co-handling parts whose opinion was given in the
  period, on time when given by the part's own deadline; counted for the co-unit.
- backlog and overdue now (在办、超期): requests not finished now; overdue as the workbench's
  "仅看超期" (`tickets.listing.overdue_q`).
- supervision orders opened / closed in the period (`supervision.SupervisionOrder`).

Period figures are read from the daily and monthly rollups (`analytics.rollups` writes them,
`analytics.reads` reads them); `direct` computes the same figures from the requests
themselves, and the tests hold the two equal.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from minxin.sla.calendar import workdays_between
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.records import Period
from minxin.tickets.listing import overdue_q
from minxin.tickets.models import (
    OPEN_STATUSES,
    Assignment,
    Reply,
    Satisfaction,
    Status,
    Ticket,
    TimelineEvent,
)

S = Satisfaction
CLOSED_STATUSES = [Status.CLOSED, Status.ARCHIVED]
RESPONSE_ACTIONS = ["accept", "reject", "answer", "dispatch", "request_info", "merge"]
P90 = 0.9


# ---- the definitions, as queries on the requests -------------------------------------------


def closed_q() -> Q:
    """Closed after a reply: an archived 不予受理 has no rating, a closed one always has one
    (未评价 included)."""
    return Q(status__in=CLOSED_STATUSES) & ~Q(satisfaction="")


def published_at() -> Subquery:
    """The moment the last approved reply was published."""
    return Subquery(
        Reply.objects.filter(ticket=OuterRef("pk"), review=Reply.Review.APPROVED)
        .order_by("-published_at")
        .values("published_at")[:1]
    )


def first_response_at() -> Subquery:
    return Subquery(
        TimelineEvent.objects.filter(ticket=OuterRef("pk"), action__in=RESPONSE_ACTIONS)
        .order_by("at", "id")
        .values("at")[:1]
    )


def handling_workdays(created: dt.datetime, published: dt.datetime) -> int:
    return workdays_between(timezone.localdate(created), timezone.localdate(published))


def response_minutes(created: dt.datetime, first: dt.datetime) -> int:
    return max(0, int((first - created).total_seconds() // 60))


def on_time(done: dt.datetime | None, due: dt.datetime | None) -> bool:
    return done is not None and due is not None and done <= due


def within(period: Period, name: str) -> Q:
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


@dataclass(frozen=True)
class Scope:
    """Which requests a reader's figures cover: a set of units (None: the whole city) and
    the dashboard's filters. A category includes its second-level children."""

    unit_ids: frozenset[int] | None = None
    request_type_id: int | None = None
    category_ids: frozenset[int] | None = None
    district_id: int | None = None
    channel: str = ""

    def rollup_q(self) -> Q:
        q = Q()
        if self.unit_ids is not None:
            q &= Q(unit_id__in=self.unit_ids)
        if self.request_type_id is not None:
            q &= Q(request_type_id=self.request_type_id)
        if self.category_ids is not None:
            q &= Q(category_id__in=self.category_ids)
        if self.district_id is not None:
            q &= Q(district_id=self.district_id)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def ticket_q(self, prefix: str = "", unit: str = "lead_unit_id") -> Q:
        """The same scope over requests (PREFIX "ticket__" from a co-handling part, whose
        unit is the part's own)."""
        q = Q()
        if self.unit_ids is not None:
            q &= Q(**{f"{unit}__in": self.unit_ids})
        if self.request_type_id is not None:
            q &= Q(**{f"{prefix}request_type_id": self.request_type_id})
        if self.category_ids is not None:
            q &= Q(**{f"{prefix}category_id__in": self.category_ids})
        if self.district_id is not None:
            q &= Q(**{f"{prefix}district_id": self.district_id})
        if self.channel:
            q &= Q(**{f"{prefix}channel": self.channel})
        return q


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    submitted: int = 0
    responded: int = 0
    response_minutes: int = 0
    closed: int = 0
    on_time: int = 0
    handled: int = 0  # closed with a published reply: the handling time's count
    handling_days: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    reopened: int = 0
    co_done: int = 0
    co_on_time: int = 0
    handling: Counter[int] = field(default_factory=Counter)  # working days -> requests

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.on_time, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        return _share(self.satisfied + self.basic, self.rated)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.reopened, self.closed)

    @property
    def co_on_time_rate(self) -> float | None:
        return _share(self.co_on_time, self.co_done)

    @property
    def avg_handling_workdays(self) -> float | None:
        return _share(self.handling_days, self.handled)

    @property
    def p90_handling_workdays(self) -> int | None:
        total = sum(self.handling.values())
        if not total:
            return None
        seen = 0
        for days in sorted(self.handling):
            seen += self.handling[days]
            if seen >= P90 * total:
                return days
        return None  # not reached: the counts add up to total

    @property
    def avg_response_hours(self) -> float | None:
        minutes = _share(self.response_minutes, self.responded)
        return None if minutes is None else minutes / 60

    def add(self, other: Figures) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.handling.update(other.handling)


COUNTS = [f.name for f in fields(Figures) if f.name != "handling"]


# ---- figures of the moment and of supervision -------------------------------------------------


def backlog_now(scope: Scope) -> dict[str, int]:
    """在办 and 超期 at this moment, counted on the requests (indexed on status)."""
    tickets = Ticket.objects.filter(scope.ticket_q(), status__in=OPEN_STATUSES)
    # Counted on `status` (never null): every column read is in `tickets_open_clock_idx`,
    # so the count is an index-only scan, not a read of every open request's row.
    found = tickets.aggregate(backlog=Count("status"), overdue=Count("status", filter=overdue_q()))
    return {"backlog": found["backlog"], "overdue": found["overdue"]}


def order_figures(period: Period, scope: Scope) -> dict[str, int]:
    """Supervision orders opened and closed in PERIOD; a unit reads the orders addressed
    to it."""
    orders = SupervisionOrder.objects.filter(scope.ticket_q("ticket__", unit="unit_id"))
    return {
        "orders_opened": orders.filter(within(period, "opened_at")).count(),
        "orders_closed": orders.filter(within(period, "closed_at")).count(),
    }


def orders_in(periods: list[Period], scope: Scope) -> list[dict[str, int]]:
    """`order_figures` for several periods in one query. Only the orders opened or closed
    within the periods' span are read, so that a filter on the requests' fields joins those
    orders' requests by key rather than every request in the filter."""
    span = Period(min(p.first for p in periods), max(p.last for p in periods))
    orders = SupervisionOrder.objects.filter(
        within(span, "opened_at") | within(span, "closed_at"),
        scope.ticket_q("ticket__", unit="unit_id"),
    )
    counts = {}
    for i, period in enumerate(periods):
        counts[f"opened{i}"] = Count("id", filter=within(period, "opened_at"))
        counts[f"closed{i}"] = Count("id", filter=within(period, "closed_at"))
    found = orders.aggregate(**counts)
    return [
        {"orders_opened": found[f"opened{i}"], "orders_closed": found[f"closed{i}"]}
        for i in range(len(periods))
    ]


# ---- the same figures straight from the requests -------------------------------------------


def closed_in(
    period: Period, scope: Scope, tickets: QuerySet[Ticket] | None = None
) -> QuerySet[Ticket]:
    """The requests closed in PERIOD within SCOPE (of TICKETS: a reader's, or all)."""
    tickets = Ticket.objects.all() if tickets is None else tickets
    return tickets.filter(closed_q(), within(period, "closed_at"), scope.ticket_q())


def submitted_in(
    period: Period, scope: Scope, tickets: QuerySet[Ticket] | None = None
) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all() if tickets is None else tickets
    return tickets.filter(within(period, "created_at"), scope.ticket_q())


def co_parts_in(period: Period, scope: Scope) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        within(period, "opinion_at"),
        scope.ticket_q("ticket__", unit="unit_id"),
        role=Assignment.Role.CO,
    )


def direct(period: Period, scope: Scope) -> Figures:
    """The figures computed from the requests themselves, without the rollups: the
    definition the rollups must always agree with (a slow path, for checks and tests)."""
    found = Figures(submitted=submitted_in(period, scope).count())
    responses = (
        submitted_in(period, scope)
        .annotate(first=first_response_at())
        .exclude(first=None)
        .values_list("created_at", "first")
    )
    for created, first in responses:
        found.responded += 1
        found.response_minutes += response_minutes(created, first)
    closed = closed_in(period, scope).annotate(published=published_at())
    counts = closed.aggregate(
        closed=Count("id"),
        satisfied=Count("id", filter=Q(satisfaction=S.SATISFIED)),
        basic=Count("id", filter=Q(satisfaction=S.BASIC)),
        unsatisfied=Count("id", filter=Q(satisfaction=S.UNSATISFIED)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        on_time=Count("id", filter=Q(published__lte=F("due_at"))),
        handled=Count("id", filter=Q(published__isnull=False)),
    )
    for name, value in counts.items():
        setattr(found, name, value)
    for created, published in closed.exclude(published=None).values_list("created_at", "published"):
        days = handling_workdays(created, published)
        found.handling_days += days
        found.handling[days] += 1
    for opinion_at, due in co_parts_in(period, scope).values_list("opinion_at", "due_at"):
        found.co_done += 1
        found.co_on_time += on_time(opinion_at, due)
    return found
