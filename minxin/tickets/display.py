"""How a request reads to people: deadline sentences, masked contacts, timelines."""

from __future__ import annotations

from django.utils import timezone

from minxin.core import clock
from minxin.core.masking import mask_name as mask_name  # shown on request pages too
from minxin.core.masking import mask_phone as mask_phone
from minxin.tickets.actions import ACTION_LABELS
from minxin.tickets.models import Status, Ticket, TimelineEvent
from minxin.tickets.timeline import citizen_text


def deadline_text(ticket: Ticket) -> str:
    if ticket.status in (Status.CLOSED, Status.ARCHIVED):
        return "已办结"
    if ticket.status == Status.REJECTED:
        return "不予受理"
    if ticket.status == Status.PENDING_INFO:
        return "等待补充材料，办理时限暂停计算"
    if ticket.due_at is None:
        return ""
    day = timezone.localdate(ticket.due_at)
    date = f"{day.year}年{day.month}月{day.day}日"
    if ticket.status == Status.PUBLISHED:
        return "已答复，请查看答复并评价"
    if ticket.due_at < clock.now():
        return f"已超过办理期限（{date}），正在督促办理"
    verb = "答复" if ticket.request_type.direct_answer else "办结"
    return f"将在{date}前{verb}"


def event_dict(event: TimelineEvent) -> dict:
    """One step as staff read it: the internal note, and what the citizen read of it
    (`citizen_text`, None when the step is internal). Citizens get `timeline.citizen_event`."""
    return {
        "at": event.at,
        "action": event.action,
        "action_label": ACTION_LABELS.get(event.action, event.action),
        "unit": event.unit.name if event.unit else None,
        "actor": event.actor_label,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "to_status_label": Status(event.to_status).label,
        "note": event.note,
        "public_note": event.public_note,
        "citizen_text": citizen_text(event),
    }


def citizen_comment(ticket: Ticket) -> str:
    """The rating comment, when the citizen wrote it; a callback's record is internal."""
    return ticket.rating_comment if ticket.rated_by == "citizen" else ""


def clock_colour(ticket: Ticket) -> str:
    """green / yellow / red for the current stage's clock; "" when no clock runs."""
    if ticket.stage_due_at is None or ticket.status in (
        Status.PENDING_INFO,
        Status.CLOSED,
        Status.ARCHIVED,
        Status.REJECTED,
        Status.MERGED,
    ):
        return ""
    now = clock.now()
    if ticket.warn_level >= 2 or ticket.stage_due_at <= now:
        return "red"
    if ticket.warn_level == 1 or (ticket.stage_warn_at and ticket.stage_warn_at <= now):
        return "yellow"
    return "green"
