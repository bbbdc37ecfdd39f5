"""Stage clocks (办理时限 of each stage): started by every step that hands the request on,
shifted by a pause or an extension, and the emergency clock, which changes without a change
of state. The durations themselves come from `tickets.policy`."""

from __future__ import annotations

import datetime as dt
from typing import overload

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minxin.core import clock
from minxin.sla.deadlines import shift_due
from minxin.tickets.actors import Actor
from minxin.tickets.models import Stage, Status, Ticket
from minxin.tickets.policy import emergency_due, review_due
from minxin.tickets.timeline import record

STAGE_FIELDS = ["stage", "stage_due_at", "stage_started_at", "stage_warn_at", "warn_level"]


@overload
def warn_moment(start: dt.datetime, due: dt.datetime) -> dt.datetime: ...
@overload
def warn_moment(start: dt.datetime, due: None) -> None: ...
@overload
def warn_moment(start: dt.datetime, due: dt.datetime | None) -> dt.datetime | None: ...


def warn_moment(start: dt.datetime, due: dt.datetime | None) -> dt.datetime | None:
    """The yellow warning falls at DEADLINE_WARN_SHARE of the time allowed."""
    if due is None:
        return None
    return start + (due - start) * settings.DEADLINE_WARN_SHARE if due > start else due


def set_stage(ticket: Ticket, stage: str, due: dt.datetime | None) -> list[str]:
    """Start a stage clock; returns the fields to save."""
    now = clock.now()
    ticket.stage, ticket.stage_due_at, ticket.stage_started_at = stage, due, now
    ticket.stage_warn_at = warn_moment(now, due)
    ticket.warn_level = 0
    return STAGE_FIELDS


def stop_clocks(ticket: Ticket) -> list[str]:
    """The request is closed (rejected, rated, merged, unrated): no stage runs any more."""
    ticket.closed_at = clock.now()
    return ["closed_at", *set_stage(ticket, Stage.NONE, None)]


def review_stage(ticket: Ticket) -> list[str]:
    return set_stage(ticket, Stage.REVIEW, review_due(ticket, clock.now()))


def shift_stage(ticket: Ticket, working_days: int) -> list[str]:
    """Move the current stage's clock later (a pause ended, an extension was approved)."""
    if working_days <= 0 or ticket.stage_due_at is None:
        return []
    ticket.stage_due_at = shift_due(ticket.stage_due_at, working_days)
    ticket.stage_warn_at = warn_moment(ticket.stage_started_at or clock.now(), ticket.stage_due_at)
    ticket.warn_level = 0 if ticket.stage_warn_at > clock.now() else min(ticket.warn_level, 1)
    return ["stage_due_at", "stage_warn_at", "warn_level"]


# The centre's stages: waiting to be accepted, or to be dispatched (again).
AT_CENTRE: dict[str, str] = {
    Status.SUBMITTED: Stage.ACCEPT,
    Status.ACCEPTED: Stage.DISPATCH,
    Status.RETURNED: Stage.DISPATCH,
}


@transaction.atomic
def ticket_clock_emergency(*, ticket_id: int) -> bool:
    """Put a request found critical on the emergency clock: accepted and dispatched within
    EMERGENCY_DISPATCH_HOURS clock hours of its arrival (or of its return). A request past
    the centre, or already on a tighter clock, is left alone; safe to run twice."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or AT_CENTRE.get(ticket.status) != ticket.stage:
        return False
    arrived = ticket.stage_started_at if ticket.status == Status.RETURNED else ticket.created_at
    due = emergency_due(arrived or ticket.created_at)
    if ticket.stage_due_at is not None and ticket.stage_due_at <= due:
        return False
    start = ticket.stage_started_at or ticket.created_at
    ticket.stage_due_at, ticket.stage_warn_at = due, warn_moment(start, due)
    ticket.warn_level = 0
    ticket.save(update_fields=["stage_due_at", "stage_warn_at", "warn_level"])
    hours = settings.EMERGENCY_DISPATCH_HOURS
    record(
        ticket,
        actor=Actor.system_actor(),
        action="emergency",
        public=False,
        note=f"紧急诉求：须在{hours}小时内受理并派遣（{timezone.localtime(due):%m-%d %H:%M}前）",
    )
    return True
