"""Which time limits apply to a request: the most specific category override, else its
type's defaults; an emergency (critical risk) runs on clock hours instead. Every stage
deadline is computed here (docs/deadlines.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from minxin.org.models import DeadlineOverride
from minxin.sla.deadlines import due_after, due_after_working_hours
from minxin.tickets.hooks import is_emergency
from minxin.tickets.models import Ticket


def _overrides(ticket: Ticket) -> list[DeadlineOverride]:
    """Overrides for the ticket's category and its parent, most specific first."""
    category = ticket.category
    if category is None:
        return []
    ids = [category.pk]
    if category.parent_id:
        ids.append(category.parent_id)
    rows = {
        o.category_id: o
        for o in DeadlineOverride.objects.filter(
            request_type_id=ticket.request_type_id, category_id__in=ids
        )
    }
    return [rows[i] for i in ids if i in rows]


def _limit(ticket: Ticket, field: str) -> int:
    for override in _overrides(ticket):
        value = getattr(override, field)
        if value is not None:
            return value
    return getattr(ticket.request_type, field)


def emergency_due(since: dt.datetime) -> dt.datetime:
    """An emergency is accepted and dispatched within EMERGENCY_DISPATCH_HOURS clock hours,
    nights and holidays included."""
    return since + dt.timedelta(hours=settings.EMERGENCY_DISPATCH_HOURS)


def deadline_days(ticket: Ticket) -> int:
    return _limit(ticket, "deadline_days")


def accept_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    """待受理: from submission (or from a resumed pause, see `clocks.shift_stage`)."""
    if is_emergency(ticket):
        return emergency_due(start)
    return due_after_working_hours(start, _limit(ticket, "accept_hours"))


def dispatch_due(
    ticket: Ticket, start: dt.datetime, *, since: dt.datetime | None = None
) -> dt.datetime:
    """已受理待派遣 (from acceptance) and 已退回待改派 (from the return). An emergency's clock
    counts from `since` (its arrival, when one clock covers acceptance and dispatch)."""
    if is_emergency(ticket):
        return emergency_due(since or start)
    return due_after_working_hours(start, _limit(ticket, "dispatch_hours"))


def sign_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    for override in _overrides(ticket):
        if override.sign_hours:
            return due_after_working_hours(start, override.sign_hours)
    return due_after(start, _limit(ticket, "sign_days"))


def review_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    return due_after(start, _limit(ticket, "review_days"))


def rating_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    return due_after(start, _limit(ticket, "callback_days"))


def co_days(ticket: Ticket) -> int | None:
    """协办时限 in working days when the category or the type sets one; None means the
    default of `tickets.cohandling.co_part_due` (before the lead's reply is due)."""
    for override in _overrides(ticket):
        if override.co_days is not None:
            return override.co_days
    return ticket.request_type.co_days
