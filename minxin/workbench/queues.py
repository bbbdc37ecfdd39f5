"""The lists on each role's home page. Every one starts from the scoped selectors in
`minxin.tickets.selectors`, so no list can show a request its reader may not see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.risk.models import RiskLevel, TicketInsight
from minxin.tickets import listing, selectors
from minxin.tickets.listing import ListQuery
from minxin.tickets.models import (
    DUE_STATUSES,
    RUNNING_STATUSES,
    UNANSWERED_STATUSES,
    Status,
    Ticket,
)
from minxin.workbench.insight import RowMarks

S = Status
RUNNING = RUNNING_STATUSES  # the clock is running: pending_info is paused, the rest finished
DUE_SOON = dt.timedelta(days=1)
COUNT_CAP = 1000
# A home shows the head of each list and links to the queue: "100+" is all it needs to say,
# and counting further scans rows no one sees (the full queue page counts to COUNT_CAP).
HOME_COUNT_CAP = 100


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str
    build: Callable[[User], QuerySet[Ticket]]
    order: tuple[str, ...] = ("stage_due_at", "id")
    # Whether the ordering fields may be null in this list's rows. NULLS LAST is needed only
    # then, and it costs: SQLite cannot walk an index for it and sorts every matching row.
    nulls: bool = True
    # An intake list: critical-risk requests go above everything, whatever the sort.
    alarm_first: bool = False
    # The full queue a home list links to ("查看全部…"), when not its own.
    queue_key: str = ""
    queue_title: str = ""


def _running(user: User) -> QuerySet[Ticket]:
    """A unit's staff watch what their unit leads; citywide roles watch everything running."""
    tickets = selectors.tickets_visible_to(user)
    if user.role in (Role.HANDLER, Role.UNIT_HEAD) and user.unit is not None:
        return tickets.filter(
            status__in=[S.DISPATCHED, S.SIGNED], lead_unit__path__startswith=user.unit.path
        )
    return tickets.filter(status__in=RUNNING)


def due_soon(user: User) -> QuerySet[Ticket]:
    now = clock.now()
    return _running(user).filter(stage_due_at__gte=now, stage_due_at__lt=now + DUE_SOON)


def stage_overdue(user: User) -> QuerySet[Ticket]:
    return _running(user).filter(stage_due_at__lt=clock.now())


def overall_overdue(user: User) -> QuerySet[Ticket]:
    # Published requests wait for the citizen, not the unit: their time limit is met. The
    # states are named as `tickets_overall_due_idx` names them, so PostgreSQL walks it.
    return _running(user).filter(status__in=DUE_STATUSES, due_at__lt=clock.now())


UNANSWERED = UNANSWERED_STATUSES


def at_risk(user: User) -> QuerySet[Ticket]:
    """High and critical risk requests the user can see, not yet answered; critical first."""
    # Each open request looks up its own reading in the small index of the high and critical
    # ones (`risk_listed_idx`): a subquery with a LIMIT, which PostgreSQL does not turn into
    # a join, so the cost follows the open requests. Joined with the readings, it walked
    # every high and critical reading of the history to fill 15 rows (2.3 s at 1,000,000
    # requests; docs/benchmarks.md).
    reading = TicketInsight.objects.filter(
        ticket=OuterRef("pk"), risk_level__in=[RiskLevel.CRITICAL, RiskLevel.HIGH]
    ).values("risk_level")[:1]
    return (
        selectors.tickets_visible_to(user)
        .filter(status__in=UNANSWERED)
        .annotate(listed=Subquery(reading))
        .filter(listed__isnull=False)
        .annotate(risk_rank=Case(When(listed=RiskLevel.CRITICAL, then=Value(0)), default=Value(1)))
    )


def _queue(name: str) -> Callable[[User], QuerySet[Ticket]]:
    return lambda user: selectors.queue(user=user, name=name)


def _today(user: User) -> QuerySet[Ticket]:
    """Requests waiting for intake that arrived since midnight, city time."""
    return listing.with_risk(
        selectors.queue(user=user, name="intake").filter(
            created_at__gte=clock.day_start(clock.today())
        )
    )


def _intake(user: User) -> QuerySet[Ticket]:
    return listing.with_risk(selectors.queue(user=user, name="intake"))


def _to_archive(user: User) -> QuerySet[Ticket]:
    return selectors.tickets_visible_to(user).filter(FINISHED_NOT_ARCHIVED)


def _shared(user: User) -> QuerySet[Ticket]:
    return selectors.tickets_visible_to(user)


# The 待归档 list's condition, written out rather than bound: SQLite uses the partial index
# `tickets_to_archive_idx` only when the query's condition is literally the index's, and Django
# binds `status__in` values as parameters (measured at 100,000 requests: 125 ms bound, 0.3 ms
# literal). The values are this module's constants, never input.
_FINISHED = ", ".join(f"'{status}'" for status in (S.CLOSED, S.REJECTED))
FINISHED_NOT_ARCHIVED = Q(
    RawSQL(f'"tickets_ticket"."status" IN ({_FINISHED})', [], output_field=BooleanField())
)

SECTIONS = {
    s.key: s
    for s in [
        # Shown above everything else on a home page, and only when it has rows.
        Section(
            "risk",
            "风险预警",
            "高风险和紧急的诉求（危险信号、群体性诉求），答复前一直列在这里，紧急的在前",
            at_risk,
            ("risk_rank", "created_at", "id"),
            nulls=False,
        ),
        Section(
            "today",
            "今日新诉求",
            "今天提交、等待受理派遣的诉求，紧急风险在前，再按环节期限",
            _today,
            ("risk_rank", "stage_due_at", "id"),
            alarm_first=True,
            queue_key="intake",
            queue_title="待受理",
        ),
        Section(
            "intake",
            "待受理",
            "新提交、已受理未派遣和被退回的诉求，紧急风险置顶",
            _intake,
            ("alarm", "created_at", "id"),
            alarm_first=True,
        ),
        Section("inbox", "待签收", "已派遣到本单位、等待签收", _queue("inbox")),
        Section("handling", "办理中", "已签收、等待提交办理结果", _queue("handling")),
        Section("due_soon", "即将超期", "环节期限在24小时内", due_soon),
        Section("overdue", "已超期", "已超过环节期限", stage_overdue),
        Section(
            "overall_overdue",
            "办结超期",
            "已超过办结期限仍未答复",
            overall_overdue,
            ("due_at", "id"),
        ),
        Section("co", "协办", "本单位协办的诉求：待签收或待提交协办意见", _queue("co")),
        Section(
            "unit_review",
            "待单位审核",
            "承办人员已提交办理结果，等待单位负责人审核",
            _queue("unit_review"),
        ),
        Section(
            "co_returned",
            "协办退回待决定",
            "协办单位申请退回，等待受理中心决定",
            _queue("co_returned"),
        ),
        Section("review", "待审核", "承办单位已答复、等待审核", _queue("review")),
        Section("callback", "待回访", "答复已公开、等待评价或回访", _queue("callback")),
        Section("extensions", "延期待审批", "承办单位提出的延期申请", _queue("extensions")),
        Section(
            "pending_info",
            "待补充材料",
            "等待诉求人补充，办理时限暂停",
            _queue("pending_info"),
            ("created_at", "id"),
        ),
        # Closing and rejecting always set closed_at.
        Section(
            "to_archive",
            "待归档",
            "已办结或不予受理、尚未归档",
            _to_archive,
            ("closed_at", "id"),
            nulls=False,
        ),
        Section(
            "shared", "共享给我的案件", "监督小组评议用，只读", _shared, ("-created_at", "-id")
        ),
    ]
}

# 风险预警 is for the citywide roles that triage and watch; a unit's own lists already mark
# each risky request, and checking 5,000 risky requests against a unit's assignments to build
# a list of its own cost 70 ms a home page at 100,000 requests (SQLite).
ROLE_SECTIONS: dict[str, list[str]] = {
    Role.INTAKE: ["risk", "today", "co_returned", "extensions", "pending_info", "to_archive"],
    Role.HANDLER: ["inbox", "handling", "co", "due_soon", "overdue"],
    Role.UNIT_HEAD: ["unit_review", "inbox", "handling", "co", "due_soon", "overdue"],
    Role.REVIEWER: ["review"],
    Role.CALLBACK: ["callback", "to_archive"],
    Role.SUPERVISOR: ["risk", "overdue", "overall_overdue", "due_soon"],
    Role.LEADER: ["risk", "overall_overdue", "overdue", "due_soon"],
    Role.OVERSIGHT: ["shared"],
    Role.ADMIN: [
        "risk",
        "intake",
        "review",
        "callback",
        "extensions",
        "overdue",
        "overall_overdue",
    ],
}


def sections_for(user: User) -> list[Section]:
    return [SECTIONS[key] for key in ROLE_SECTIONS.get(user.role, [])]


def _ordering(section: Section, sort: str = "") -> list[OrderBy]:
    """The list's own order, or the chosen sort (critical first in an intake list)."""
    if not sort:
        return listing.order_terms(section.order, nulls_last=section.nulls)
    return listing.order_terms(listing.sort_fields(sort, alarm_first=section.alarm_first))


def _listed(user: User, section: Section, query: ListQuery | None) -> QuerySet[Ticket]:
    tickets = section.build(user)
    if query is None:
        return tickets
    if query.sort == "risk" and "risk_rank" not in tickets.query.annotations:
        tickets = listing.with_risk(tickets)
    return listing.narrow(tickets, query)


def section_tickets(
    user: User, section: Section, query: ListQuery | None = None
) -> QuerySet[Ticket]:
    """The whole list, narrowed and sorted as QUERY says (a queue page's choice)."""
    sort = query.sort if query else ""
    return (
        _listed(user, section, query)
        .select_related("category__parent")
        .defer(*selectors.LIST_DEFERRED)
        .order_by(*_ordering(section, sort))
    )


def section_head(user: User, section: Section, limit: int) -> list[Ticket]:
    """A list's first `limit` rows in two short queries: the ids in the list's order, without
    the joins the table needs, then those rows with them. Planned with every join, the one
    query cost PostgreSQL 2-6 ms more a list at 100,000 requests (docs/benchmarks.md)."""
    return section_rows(user, list(section_ids(user, section)[:limit]))


def section_ids(
    user: User, section: Section, query: ListQuery | None = None
) -> QuerySet[Ticket, int]:
    """The list's ids in its order (or QUERY's), joined only to what sorting and filtering
    need: a queue page slices this, then reads its rows with `section_rows`. Sorted with every
    join the table shows, SQLite took 300 ms for an intake queue of 8,000 requests."""
    return (
        _listed(user, section, query)
        .order_by(*_ordering(section, query.sort if query else ""))
        .values_list("pk", flat=True)
    )


def section_rows(user: User, ids: list[int]) -> list[Ticket]:
    """The rows of IDS, in that order, with what the table shows."""
    if not ids:
        return []
    rows = (
        selectors.tickets_visible_to(user)
        .filter(pk__in=ids)
        .select_related("category__parent")
        .defer(*selectors.LIST_DEFERRED)
    )
    by_id = {t.pk: t for t in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def capped_count(tickets: QuerySet[Any, Any], cap: int = COUNT_CAP) -> tuple[int, bool]:
    """Count up to `cap` rows: a full COUNT(*) over a city's history is not worth its cost."""
    count = tickets.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def listed_count(
    rows: QuerySet[Any], shown: int, limit: int, cap: int = COUNT_CAP
) -> tuple[int, bool]:
    """A list that fits within its `limit` is its own count: no COUNT query for it."""
    return (shown, False) if shown < limit else capped_count(rows, cap)


def breakdown(rows: list[Ticket], marks: dict[int, RowMarks]) -> dict[str, list[tuple[str, int]]]:
    """How a list that fits on one page splits by type, and how many of it are 紧急 or 高
    risk: read from the rows and their marks, no query. Counted by the database for a long
    list, the split read every row of it (600 ms for an intake queue of 8,000 requests)."""
    types = Counter(t.request_type.name for t in rows)
    risks = (marks[t.pk].risk for t in rows if t.pk in marks)
    levels = Counter(risk[0] for risk in risks if risk)
    critical_first = sorted(levels.items(), key=lambda item: item[0] != "紧急风险")
    return {"类型": sorted(types.items()), "风险": critical_first}
