"""视频接访 changed by the centre: moved to another time, or cancelled, always with a reason.
The invited units (inbox) and the citizen (SMS, through the outbox) are told in the same
transaction; the step goes on the request's timeline (internal). A session already held
cannot change (409)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from minxin.accounts.models import User
from minxin.core import clock
from minxin.core.errors import Conflict, ValidationFailed
from minxin.notify.services import inbox_post, render
from minxin.tickets import timeline
from minxin.tickets.actions import Action as A
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.workflow import require_allowed
from minxin.video.models import VideoSession
from minxin.video.services import REASON_CHARS, citizen_sms, locked_session, when

S = VideoSession.Status


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写原因", code="reason_empty", field="reason")
    if len(reason) > REASON_CHARS:
        raise ValidationFailed(f"原因不能超过{REASON_CHARS}字", code="too_long", field="reason")
    return reason


def _locked_for(user: User, session_id: int, action: A) -> tuple[VideoSession, Ticket, Actor]:
    """The session and its request, locked, once the user may take ACTION on a session not
    yet held or cancelled."""
    video, ticket = locked_session(user, session_id)
    video.ticket = ticket  # the locked row, for the step and the messages
    actor = Actor.staff(user)
    require_allowed(actor, ticket, action)
    if video.status == S.HELD:
        raise Conflict("这次视频接访已经举行，不能再更改", code="video_held")
    if video.status == S.CANCELLED:
        raise Conflict("这次视频接访已经取消", code="video_cancelled")
    return video, ticket, actor


def _changed(video: VideoSession, actor: Actor, action: A, note: str, *, reason: str) -> None:
    """The step on the timeline, and the units and the citizen told, in this transaction."""
    timeline.record(video.ticket, actor=actor, action=action, note=note)
    event = "video_rescheduled" if action == A.VIDEO_RESCHEDULE else "video_cancelled"
    key = f"{event}:{video.pk}:{int(video.starts_at.timestamp()) if video.starts_at else 0}"
    _tell_units(video, event, key=key, reason=reason)
    citizen_sms(video, event, key=key, reason=reason)


def _tell_units(video: VideoSession, event: str, *, key: str, reason: str) -> None:
    ticket = video.ticket
    text = render(
        f"{event}_unit",
        code=ticket.display_code,
        title=ticket.title,
        due=when(video.starts_at),
        reason=reason,
    )
    for invite in video.invites.all():
        inbox_post(
            key=f"{key}:{invite.unit_id}",
            event=event,
            unit_id=invite.unit_id,
            ticket_id=ticket.pk,
            text=text,
        )


def video_reschedule(
    *, user: User, session_id: int, starts_at: dt.datetime, reason: str
) -> VideoSession:
    """Move a scheduled session. The units confirm again (the link shows once they have) and
    the reminder is sent again before the new time."""
    reason = _reason(reason)
    if starts_at <= clock.now():
        raise ValidationFailed("开始时间必须晚于现在", code="starts_in_past", field="starts_at")
    with transaction.atomic():
        video, _, actor = _locked_for(user, session_id, A.VIDEO_RESCHEDULE)
        if video.status != S.SCHEDULED:
            raise Conflict("尚未安排时间，请先安排", code="video_requested")
        if starts_at == video.starts_at:
            raise ValidationFailed("新时间与原时间相同", code="same_time", field="starts_at")
        before = video.starts_at
        video.starts_at, video.reminded_at = starts_at, None
        video.save(update_fields=["starts_at", "reminded_at"])
        video.invites.update(confirmed_by=None, confirmed_at=None)
        note = f"视频接访由{when(before)}改期至{when(starts_at)}，原因：{reason}"
        _changed(video, actor, A.VIDEO_RESCHEDULE, note, reason=reason)
    return video


def video_cancel(*, user: User, session_id: int, reason: str) -> VideoSession:
    """Cancel a session asked for or scheduled; the citizen may then ask for another."""
    reason = _reason(reason)
    with transaction.atomic():
        video, _, actor = _locked_for(user, session_id, A.VIDEO_CANCEL)
        video.status = S.CANCELLED
        video.save(update_fields=["status"])
        _changed(video, actor, A.VIDEO_CANCEL, f"取消视频接访，原因：{reason}", reason=reason)
    return video
