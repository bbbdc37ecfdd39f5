"""Stage clocks that change without a change of state: the emergency clock."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minxin.tickets.actors import Actor
from minxin.tickets.models import Stage, Status, Ticket
from minxin.tickets.policy import emergency_due
from minxin.tickets.services import warn_moment
from minxin.tickets.timeline import record

# The centre's stages: waiting to be accepted, or to be dispatched (again).
AT_CENTRE = {
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
