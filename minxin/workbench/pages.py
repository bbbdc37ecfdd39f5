"""What each workbench page shows, gathered from the selectors in one place so the views
stay a few lines long."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from minxin.accounts.models import User
from minxin.core import clock
from minxin.org.models import Category, Unit
from minxin.sla.deadlines import due_after
from minxin.tickets import selectors
from minxin.tickets.display import mask_name, mask_phone
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.policy import deadline_days
from minxin.workbench.permissions import allowed_actions, may_reveal_contact
from minxin.workbench.queues import Section, capped_count, section_tickets, sections_for
from minxin.workbench.suggest import CategoryGuess, UnitFinder, predicted_categories

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


def home_sections(user: User) -> list[SectionView]:
    finder = None
    views = []
    for section in sections_for(user):
        tickets = section_tickets(user, section)
        rows = [Row(t) for t in tickets[:HOME_ROWS]]
        if section.key == "intake":
            finder = finder or UnitFinder()
            rows = [suggested_row(r.ticket, finder) for r in rows]
        count, more = capped_count(tickets)
        views.append(SectionView(section, rows, count, more, bulk=section.key == "intake"))
    return views


def suggested_row(ticket: Ticket, finder: UnitFinder) -> Row:
    guesses = predicted_categories(f"{ticket.title}\n{ticket.content}")
    return Row(ticket, guesses, finder.best(ticket, guesses))


def dispatch_units() -> QuerySet[Unit]:
    # The centre dispatches; it is never a handling unit itself.
    return Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CENTRE).order_by(
        "kind", "path")


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent").order_by(
        "parent_id", "id")


def dispatch_preview(ticket: Ticket) -> dict[str, dt.datetime]:
    """The deadlines a dispatch made now would set, shown before the button is pressed."""
    now = clock.now()
    due = ticket.due_at if ticket.accepted_at else due_after(now, deadline_days(ticket))
    return {"sign_due": due_after(now, ticket.request_type.sign_days), "due": due}


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
    finder = UnitFinder()
    row = suggested_row(ticket, finder)
    return {"guesses": row.guesses, "suggested_unit": row.unit,
            "owners": finder.units(ticket.category_id, ticket.district_id),
            "units": dispatch_units(), "categories": active_categories(),
            "preview": dispatch_preview(ticket)}
