"""What each workbench page shows, gathered from the selectors in one place so the views
stay a few lines long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from minxin.accounts.models import User
from minxin.core import clock
from minxin.org.models import Category, RequestType, Unit
from minxin.sla.deadlines import due_after
from minxin.tickets import selectors
from minxin.tickets.display import mask_name, mask_phone
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.policy import deadline_days, sign_due
from minxin.workbench.permissions import CENTRE, allowed_actions, may_reveal_contact
from minxin.workbench.queues import Section, capped_count, section_tickets, sections_for
from minxin.workbench.suggest import CategoryGuess, Suggester, predicted_categories

HOME_ROWS = 15


@dataclass
class Row:
    ticket: Ticket
    guesses: list[CategoryGuess] = field(default_factory=list)
    unit: Unit | None = None


@dataclass
class SectionView:
    section: Section
    rows: list[Row]
    count: int
    more: bool
    bulk: bool


def home_context(user: User) -> dict[str, Any]:
    sections = home_sections(user)
    if not any(view.bulk for view in sections):
        return {"sections": sections}
    return {"sections": sections, "units": dispatch_units(), "sign_deadlines": sign_deadlines()}


def home_sections(user: User) -> list[SectionView]:
    finder = None
    views = []
    for section in sections_for(user):
        tickets = section_tickets(user, section)
        rows = [Row(t) for t in tickets[:HOME_ROWS]]
        if section.key == "intake":
            finder = finder or Suggester()
            rows = [suggested_row(r.ticket, finder) for r in rows]
        count, more = capped_count(tickets)
        bulk = section.key == "intake" and user.role in CENTRE
        views.append(SectionView(section, rows, count, more, bulk=bulk))
    return views


def queue_rows(user: User, section: Section, tickets: list[Ticket]) -> dict[str, Any]:
    """A full queue page; the intake queue gets suggestions and the bulk dispatch form."""
    if section.key != "intake":
        return {"rows": tickets, "bulk": False}
    finder = Suggester()
    return {"rows": [suggested_row(t, finder) for t in tickets], "bulk": user.role in CENTRE,
            "units": dispatch_units(), "sign_deadlines": sign_deadlines()}


def suggested_row(ticket: Ticket, finder: Suggester) -> Row:
    guesses = predicted_categories(f"{ticket.title}\n{ticket.content}",
                                   categories=finder.categories)
    return Row(ticket, guesses, finder.best(ticket, guesses))


UNIT_GROUPS = [Unit.Kind.BUREAU, Unit.Kind.DISTRICT, Unit.Kind.STREET, Unit.Kind.OTHER]


def dispatch_units() -> list[tuple[str, list[Unit]]]:
    """Handling units grouped by level for <optgroup>s; the centre never handles itself."""
    units = Unit.objects.filter(is_active=True, kind__in=UNIT_GROUPS).order_by("pk")
    groups: dict[str, list[Unit]] = {kind: [] for kind in UNIT_GROUPS}
    for unit in units:
        groups[unit.kind].append(unit)
    return [(Unit.Kind(kind).label, members) for kind, members in groups.items() if members]


def category_groups() -> list[tuple[Category, list[Category]]]:
    """Active categories as (first level, its second level) for <optgroup>s."""
    groups: dict[int, tuple[Category, list[Category]]] = {}
    # First levels first on every database (PostgreSQL sorts NULLs last by default).
    rows = Category.objects.filter(is_active=True).order_by(
        F("parent_id").asc(nulls_first=True), "id")
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


def dispatch_preview(ticket: Ticket) -> dict[str, dt.datetime]:
    """The deadlines a dispatch made now would set, shown before the button is pressed."""
    now = clock.now()
    due = ticket.due_at if ticket.accepted_at else due_after(now, deadline_days(ticket))
    return {"sign_due": sign_due(ticket, now), "due": due}


def detail_context(user: User, ticket: Ticket) -> dict[str, Any]:
    actions = allowed_actions(user, ticket)
    context: dict[str, Any] = {
        "ticket": ticket, "actions": actions,
        "events": selectors.full_timeline(ticket),
        "replies": ticket.replies.select_related("unit", "author", "reviewed_by"),
        "assignments": ticket.assignments.select_related("unit").order_by("-active", "role"),
        "extensions": ticket.extensions.select_related("unit", "requested_by"),
        "pending_extension": ticket.extensions.filter(
            decision=Extension.Decision.PENDING).first(),
        "photos": ticket.photos.all(),
        "masked_name": mask_name(ticket.submitter_name),
        "masked_phone": mask_phone(ticket.submitter_phone) if ticket.submitter_phone else "",
        "may_reveal": may_reveal_contact(user) and bool(
            ticket.submitter_phone or ticket.submitter_name),
    }
    if "dispatch" in actions or "accept" in actions:
        context.update(_intake_context(ticket))
    return context


def _intake_context(ticket: Ticket) -> dict[str, Any]:
    finder = Suggester()
    row = suggested_row(ticket, finder)
    return {"guesses": row.guesses, "suggested_unit": row.unit,
            "owners": finder.units(ticket.category_id, ticket.district_id),
            "units": dispatch_units(), "categories": category_groups(),
            "preview": dispatch_preview(ticket)}
