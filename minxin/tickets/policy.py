"""Which time limits apply to a request: the most specific category override, else its
type's defaults. Every stage deadline is computed here."""

from __future__ import annotations

import datetime as dt

from minxin.org.models import DeadlineOverride
from minxin.sla.deadlines import due_after, due_after_working_hours
from minxin.tickets.models import Ticket


def _overrides(ticket: Ticket) -> list[DeadlineOverride]:
    """Overrides for the ticket's category and its parent, most specific first."""
    if not ticket.category_id:
        return []
    ids = [ticket.category_id]
    if ticket.category.parent_id:
        ids.append(ticket.category.parent_id)
    rows = {o.category_id: o for o in DeadlineOverride.objects.filter(
        request_type_id=ticket.request_type_id, category_id__in=ids)}
    return [rows[i] for i in ids if i in rows]


def _days(ticket: Ticket, field: str) -> int:
    for override in _overrides(ticket):
        value = getattr(override, field)
        if value is not None:
            return value
    return getattr(ticket.request_type, field)


def deadline_days(ticket: Ticket) -> int:
    return _days(ticket, "deadline_days")


def sign_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    for override in _overrides(ticket):
        if override.sign_hours:
            return due_after_working_hours(start, override.sign_hours)
    return due_after(start, _days(ticket, "sign_days"))


def review_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    return due_after(start, _days(ticket, "review_days"))


def rating_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    return due_after(start, _days(ticket, "callback_days"))
