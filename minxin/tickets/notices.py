"""What a step tells people outside the workbench: an SMS to the citizen, a message to a
unit's inbox. Queued, never sent inside the request (notify sends them after commit)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from minxin.notify.services import inbox_post, render, sms_queue
from minxin.org.models import Unit
from minxin.tickets.models import Ticket


def notify_citizen(ticket: Ticket, event: str, public_note: str = "") -> None:
    """An SMS to a real-name submitter, worded by the event's (editable) template. Only text
    written for the citizen may be passed: the template's {note} reaches their phone."""
    if not ticket.submitter_phone:
        return
    due = timezone.localdate(ticket.due_at) if ticket.due_at else ""
    text = render(
        event,
        code=ticket.display_code,
        title=ticket.title,
        note=public_note[:60],
        due=f"{due:%Y年%m月%d日}" if due else "",
        link=f"{settings.SITE_URL}/track/?code={ticket.tracking_code}",
    )
    sms_queue(
        phone=ticket.submitter_phone,
        purpose=event,
        event=event,
        ticket_id=ticket.pk,
        key=f"{event}:{ticket.pk}:{ticket.version}",
        text=text,
    )


def notify_merged(ticket: Ticket) -> None:
    """The citizens of requests merged into this one hear about its reply too."""
    for merged in ticket.merged.all():
        notify_citizen(merged, "published")


def notify_unit(ticket: Ticket, unit: Unit, event: str) -> None:
    due = timezone.localtime(ticket.stage_due_at) if ticket.stage_due_at else None
    text = render(
        event,
        code=ticket.display_code,
        title=ticket.title,
        unit=unit.name,
        due=f"{due:%Y-%m-%d %H:%M}" if due else "",
    )
    inbox_post(
        key=f"{event}:{ticket.pk}:{ticket.version}:{unit.pk}",
        event=event,
        text=text,
        unit_id=unit.pk,
        ticket_id=ticket.pk,
    )
