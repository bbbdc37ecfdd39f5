"""What each workbench page shows, gathered from the selectors in one place so the views
stay a few lines long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet

from minxin.accounts.models import User
from minxin.core import clock
from minxin.org.models import Category, RequestType, Unit
from minxin.risk.models import RiskLevel
from minxin.routing.recommend import UnitGuess
from minxin.sla.deadlines import due_after
from minxin.supervision.models import LIVE_STATES, SupervisionOrder
from minxin.supervision.selectors import orders_visible_to
from minxin.supervision.services import order_may_respond
from minxin.tickets import cohandling, listing, selectors
from minxin.tickets.actions import Action
from minxin.tickets.display import mask_name, mask_phone
from minxin.tickets.models import Channel, Extension, Satisfaction, Ticket
from minxin.tickets.policy import deadline_days, sign_due
from minxin.tickets.workflow import co_part_of, role_may
from minxin.workbench.insight import RowMarks, detail_insight, row_marks
from minxin.workbench.panels import detail_panels
from minxin.workbench.permissions import (
    allowed_actions,
    may_read_orders,
    may_reveal_contact,
    may_supervise,
)
from minxin.workbench.queues import (
    HOME_COUNT_CAP,
    Section,
    listed_count,
    section_head,
    section_tickets,
    sections_for,
)
from minxin.workbench.suggest import CategoryGuess, Suggester

HOME_ROWS = 15
# The lists a dispatcher works from: category and unit suggestions, the bulk dispatch form.
INTAKE_LISTS = {"intake", "today"}
# A home's first list is the role's main work; the lists after it show their head and link to
# the full queue (a home of six 15-row lists took 300 ms at 100,000 requests, most of it rows).
SECONDARY_ROWS = 5


@dataclass
class Row:
    ticket: Ticket
    guesses: list[CategoryGuess] = field(default_factory=list)
    units: list[UnitGuess] = field(default_factory=list)  # top 3 with confidence

    @property
    def unit(self) -> Unit | None:
        return self.units[0].unit if self.units else None


@dataclass
class SectionView:
    section: Section
    rows: list[Row]
    count: int
    more: bool
    bulk: bool
    marks: dict[int, RowMarks] = field(default_factory=dict)

    @property
    def alarms(self) -> int:
        """Critical-risk requests among the rows shown."""
        return sum(
            1 for r in self.rows if r.ticket.pk in self.marks and self.marks[r.ticket.pk].critical
        )


def home_context(user: User) -> dict[str, Any]:
    sections = home_sections(user)
    # Risk comes first, above the supervision orders, and only when there is some.
    alerts = next((v for v in sections if v.section.key == "risk"), None)
    sections = [v for v in sections if v.section.key != "risk"]
    context = {
        "sections": sections,
        "alerts": alerts if alerts and alerts.rows else None,
        **home_orders(user),
    }
    if any(view.bulk for view in sections):
        context.update(units=dispatch_units(), sign_deadlines=sign_deadlines())
    return context


def home_orders(user: User) -> dict[str, Any]:
    """Supervisors and leaders watch the live orders; a unit's staff the orders against it."""
    if not may_read_orders(user):
        return {}
    orders = order_list(user, "live")
    limit = HOME_ROWS if user.is_citywide else SECONDARY_ROWS
    # The head's ids first, then those rows with their request and unit: joined before the
    # limit, PostgreSQL fetched the request of every live order (2,800 at 100,000 requests:
    # 37 ms) to keep 15.
    head = list(orders.values_list("pk", flat=True)[:limit])
    shown = list(orders.filter(pk__in=head))
    count, more = listed_count(
        orders,
        len(shown),
        limit,
        HOME_COUNT_CAP,
    )
    return {
        "home_orders": shown,
        "orders_count": count,
        "orders_more": more,
        # Supervision is a supervisor's or leader's main work; a unit's comes after its queues.
        "orders_first": user.is_citywide,
    }


# Filters of the supervision list: key -> (label, states; None = every state)
OrderState = SupervisionOrder.State
ORDER_FILTERS: dict[str, tuple[str, list[str] | None]] = {
    "live": ("进行中", LIVE_STATES),
    "open": ("待单位回复", [OrderState.OPEN]),
    "responded": ("已回复待办结", [OrderState.RESPONDED]),
    "closed": ("已办结", [OrderState.CLOSED]),
    "all": ("全部", None),
}


def order_list(user: User, key: str) -> QuerySet[SupervisionOrder]:
    """Orders in the user's scope; live ones by how soon the unit must respond."""
    states = ORDER_FILTERS.get(key, ORDER_FILTERS["live"])[1]
    orders = orders_visible_to(user)
    if states is not None:
        orders = orders.filter(state__in=states)
    if key in ("live", "open", "responded"):
        return orders.order_by("respond_by", "id")
    return orders.order_by("-opened_at", "-id")


def order_context(user: User, order: SupervisionOrder) -> dict[str, Any]:
    return {
        "nav": "supervision",
        "order": order,
        "events": order.events.all(),
        "ticket_visible": selectors.tickets_visible_to(user).filter(pk=order.ticket_id).exists(),
        "may_respond": order.state == OrderState.OPEN and order_may_respond(user, order),
        "may_close": order.state != OrderState.CLOSED and may_supervise(user),
        "outcomes": SupervisionOrder.Outcome.choices,
    }


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def record_rows(record: dict[str, Any]) -> list[tuple[str, list[tuple[str, object]]]]:
    """`unit_record`'s figures as labelled groups for a table."""
    sup, over, ratings = record["supervision"], record["oversight"], record["ratings"]
    reasons = SupervisionOrder.Reason
    return [
        (
            "办理",
            [
                ("主办诉求（件）", record["led"]),
                ("协办诉求（件）", record["co_handled"]),
                ("办结（件）", record["closed"]),
                ("按期办结（件）", record["on_time"]),
                ("按期办结率", percent(record["on_time_rate"])),
                ("退回（件）", record["returns"]),
                ("超期（次）", record["overdue"]),
            ],
        ),
        (
            "群众评价",
            [
                *[(s.label, ratings[s.value]) for s in Satisfaction],
                *[(f"{Satisfaction(s).label}率", percent(r)) for s, r in record["rates"].items()],
                ("重办（次）", record["reopens"]),
                ("重办率", percent(record["reopen_rate"])),
            ],
        ),
        (
            "督办",
            [
                ("新开督办单（件）", record["orders_opened"]),
                *[(f"其中{r.label}", sup["by_reason"].get(r.value, 0)) for r in reasons],
                *[
                    (f"结果：{o.label}", sup["by_outcome"].get(o.value, 0))
                    for o in SupervisionOrder.Outcome
                ],
                ("升级督办（件）", sup["escalated"]),
                ("办结督办单（件）", record["orders_closed"]),
            ],
        ),
        ("监督小组评议", [("评议（次）", over["evaluations"]), ("含“差”评（次）", over["poor"])]),
    ]


def home_sections(user: User) -> list[SectionView]:
    finder = None
    views = []
    sections = sections_for(user)
    # The role's main list shows the most rows; the risk list is never the main one.
    main = next((s for s in sections if s.key != "risk"), None)
    for section in sections:
        tickets = section_tickets(user, section)
        limit = HOME_ROWS if section is main else SECONDARY_ROWS
        rows = [Row(t) for t in section_head(user, section, limit)]
        if section.key in INTAKE_LISTS:
            finder = finder or Suggester()
            rows = suggested_rows([r.ticket for r in rows], finder)
        count, more = listed_count(tickets, len(rows), limit, HOME_COUNT_CAP)
        bulk = section.key in INTAKE_LISTS and role_may(user, Action.DISPATCH)
        views.append(SectionView(section, rows, count, more, bulk=bulk))
    # One lookup of risk badges and duplicate flags for the whole page, not one per list.
    marks = row_marks(user, [r.ticket for view in views for r in view.rows])
    for view in views:
        view.marks = marks
    return views


def queue_rows(user: User, section: Section, tickets: list[Ticket]) -> dict[str, Any]:
    """A full queue page; the intake queue gets suggestions and the bulk dispatch form."""
    marks = row_marks(user, tickets)
    alarms = sum(1 for m in marks.values() if m.critical)
    if section.key not in INTAKE_LISTS:
        return {"rows": tickets, "bulk": False, "marks": marks, "alarms": alarms}
    return {
        "rows": suggested_rows(list(tickets), Suggester()),
        "bulk": role_may(user, Action.DISPATCH),
        "units": dispatch_units(),
        "sign_deadlines": sign_deadlines(),
        "marks": marks,
        "alarms": alarms,
    }


def suggested_rows(tickets: list[Ticket], finder: Suggester) -> list[Row]:
    """Category guesses and top-3 units for a page of requests, with one classifier call."""
    return [
        Row(t, s.guesses, s.units) for t, s in zip(tickets, finder.suggest(tickets), strict=False)
    ]


def suggested_row(ticket: Ticket, finder: Suggester) -> Row:
    return suggested_rows([ticket], finder)[0]


UNIT_GROUPS = [Unit.Kind.BUREAU, Unit.Kind.DISTRICT, Unit.Kind.STREET, Unit.Kind.OTHER]


def dispatch_units() -> list[tuple[str, list[Unit]]]:
    """Handling units grouped by level for <optgroup>s; the centre never handles itself."""
    units = Unit.objects.filter(is_active=True, kind__in=UNIT_GROUPS).order_by("pk")
    groups: dict[str, list[Unit]] = {kind: [] for kind in UNIT_GROUPS}
    for unit in units:
        groups[unit.kind].append(unit)
    return [(Unit.Kind(kind).label, members) for kind, members in groups.items() if members]


def queue_options() -> dict[str, Any]:
    """The choices of a queue page's sort and filter form."""
    return {
        "sorts": list(listing.SORTS.items()),
        "types": list(RequestType.objects.order_by("pk").values_list("code", "name")),
        "categories": category_groups(),
        "districts": list(
            Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_active=True)
            .order_by("pk")
            .values_list("pk", "name")
        ),
        "channels": Channel.choices,
        "risks": [
            (level, RiskLevel(level).label)
            for level in (RiskLevel.CRITICAL, RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW)
        ],
    }


def category_groups() -> list[tuple[Category, list[Category]]]:
    """Active categories as (first level, its second level) for <optgroup>s."""
    groups: dict[int, tuple[Category, list[Category]]] = {}
    # First levels first on every database (PostgreSQL sorts NULLs last by default).
    rows = Category.objects.filter(is_active=True).order_by(
        F("parent_id").asc(nulls_first=True), "id"
    )
    for category in rows:
        if category.parent_id is None:
            groups[category.pk] = (category, [])
        elif category.parent_id in groups:
            groups[category.parent_id][1].append(category)
    return list(groups.values())


def sign_deadlines() -> list[tuple[str, dt.datetime]]:
    """The sign-for deadline a dispatch made now would set, per request type (bulk form)."""
    now = clock.now()
    by_days: dict[int, list[str]] = {}
    for request_type in RequestType.objects.all():
        by_days.setdefault(request_type.sign_days, []).append(request_type.name)
    return [("、".join(names), due_after(now, days)) for days, names in sorted(by_days.items())]


def dispatch_preview(ticket: Ticket) -> dict[str, dt.datetime | None]:
    """The deadlines a dispatch made now would set, shown before the button is pressed."""
    now = clock.now()
    due = ticket.due_at if ticket.accepted_at else due_after(now, deadline_days(ticket))
    return {"sign_due": sign_due(ticket, now), "due": due}


def detail_context(user: User, ticket: Ticket) -> dict[str, Any]:
    my_co_part = co_part_of(user, ticket)  # looked up once: the actions need it too
    actions = allowed_actions(user, ticket, co_part=my_co_part)
    context: dict[str, Any] = {
        "ticket": ticket,
        "actions": actions,
        "events": selectors.full_timeline(ticket),
        "replies": ticket.replies.select_related("unit", "author", "reviewed_by"),
        "assignments": ticket.assignments.select_related("unit").order_by("-active", "role"),
        "co_parts": (co_parts := cohandling.co_parts(ticket)),
        "open_co_parts": [part for part in co_parts if part.is_open],
        "my_co_part": my_co_part,
        "extensions": ticket.extensions.select_related("unit", "requested_by"),
        "pending_extension": ticket.extensions.filter(decision=Extension.Decision.PENDING).first(),
        "photos": ticket.photos.all(),
        "masked_name": mask_name(ticket.submitter_name),
        "masked_phone": mask_phone(ticket.submitter_phone) if ticket.submitter_phone else "",
        "may_reveal": may_reveal_contact(user)
        and bool(ticket.submitter_phone or ticket.submitter_name),
    }
    if "dispatch" in actions or "accept" in actions:
        context.update(_intake_context(ticket))
    context.update(detail_panels(user, ticket))
    context.update(detail_insight(user, ticket))
    return context


def _intake_context(ticket: Ticket) -> dict[str, Any]:
    finder = Suggester()
    row = suggested_row(ticket, finder)
    return {
        "guesses": row.guesses,
        "suggested_unit": row.unit,
        "suggested_units": row.units,
        "owners": finder.units(ticket.category_id, ticket.district_id),
        "units": dispatch_units(),
        "categories": category_groups(),
        "preview": dispatch_preview(ticket),
    }
