"""The receiving city reports every step of a transferred request back to its origin.

Connected to the timeline (`tickets.TimelineEvent` saved): the tickets app knows nothing of
cities. The message is written to the outbox in the same transaction as the step, so a step
that is rolled back is never reported and one that is kept is always reported.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from minxin.crosscity import wire
from minxin.crosscity.models import Message, Transfer
from minxin.tickets.actions import ACTION_LABELS, Action
from minxin.tickets.models import Channel, Status, TimelineEvent
from minxin.tickets.timeline import citizen_text

# Steps whose internal note the origin also reads: the supervision of the shared matter.
SHARED_NOTES = frozenset(
    {Action.SUPERVISE, Action.SUPERVISE_REPLY, Action.SUPERVISE_ESCALATE, Action.TRANSFER_IN}
)
# Not reported back: the report itself, and the submission (no transfer can exist yet).
NOT_REPORTED = frozenset({Action.TRANSFER_PROGRESS, Action.SUBMIT})


def progress_body(event: TimelineEvent) -> dict[str, Any]:
    return {
        "event": event.pk,
        "tracking_code": event.ticket.tracking_code,
        "action": event.action,
        "action_label": ACTION_LABELS.get(event.action, event.action),
        "to_status": event.to_status,
        "to_status_label": Status(event.to_status).label,
        "at": event.at.isoformat(),
        "public_text": citizen_text(event) or "",
        "unit": event.unit.name if event.unit is not None else "",
        "note": event.note if event.action in SHARED_NOTES else "",
    }


def event_saved(sender: type, instance: TimelineEvent, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw") or instance.action in NOT_REPORTED:
        return
    if instance.ticket.channel != Channel.API:
        return  # a transferred request arrives through the API (`inbound`): no lookup
    transfer = (
        Transfer.objects.filter(ticket_id=instance.ticket_id, direction=Transfer.Direction.IN)
        .select_related("peer")
        .first()
    )
    if transfer is None:
        return
    wire.queue(
        peer=transfer.peer,
        transfer=transfer,
        kind=Message.Kind.PROGRESS,
        body=progress_body(instance),
    )


def connect() -> None:
    post_save.connect(event_saved, sender=TimelineEvent, dispatch_uid="crosscity-progress")
