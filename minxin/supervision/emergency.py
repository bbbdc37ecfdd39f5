"""Emergencies first: a request the risk analysis marks critical (紧急) is put on the
emergency clock and the staff on duty are alerted at once, by inbox and SMS, whatever the
quiet hours (docs/deadlines.md)."""

from __future__ import annotations

from django.utils import timezone

from minxin.core import clock
from minxin.notify.services import inbox_post, render, sms_queue
from minxin.supervision.duty import on_duty
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import ticket_clock_emergency
from minxin.tickets.models import Ticket
from minxin.tickets.timeline import record

EVENT = "emergency"


def emergency_raise(*, ticket: Ticket, reason: str) -> int:
    """Called in the analysis' transaction (at submission, or by the sweep's retry of a
    failed one). Returns how many people were alerted; safe to run twice."""
    ticket_clock_emergency(ticket_id=ticket.pk)
    ticket.refresh_from_db(fields=["stage_due_at"])
    users, fallback = on_duty(clock.now())
    due = timezone.localtime(ticket.stage_due_at) if ticket.stage_due_at else None
    text = render(
        EVENT,
        code=ticket.display_code,
        title=ticket.title,
        reason=reason,
        due=f"{due:%m-%d %H:%M}" if due else "尽快",
    )[:500]
    for user in users:
        inbox_post(
            key=f"{EVENT}:{ticket.pk}:{user.pk}",
            event=EVENT,
            text=text,
            user_id=user.pk,
            ticket_id=ticket.pk,
        )
        if user.mobile:  # staff on duty are woken: urgent skips the quiet hours
            sms_queue(
                phone=user.mobile,
                text=text,
                purpose=EVENT,
                event=EVENT,
                key=f"{EVENT}-sms:{ticket.pk}:{user.pk}",
                ticket_id=ticket.pk,
                urgent=True,
            )
    names = "、".join(str(u) for u in users) or "无"
    note = (
        f"当前无人值班，已通知全部受理和督办人员：{names}"
        if fallback
        else f"已通知值班人员：{names}"
    )
    record(ticket, actor=Actor.system_actor(), action="emergency_alert", public=False, note=note)
    return len(users)
