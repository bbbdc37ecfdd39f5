"""视频接访: the citizen asks, the centre schedules it with several units, each unit confirms,
the worker reminds everyone before it starts, and the centre records who attended and the
minutes. Every step is a step on the request's timeline (internal: `tickets.timeline`), so the
audit chain witnesses it; who may take it is `tickets.workflow.PERMISSIONS` (video_*).

The meeting link is the provider's URL template (settings.VIDEO_URL_TEMPLATE, e.g. a self-hosted
Jitsi's `https://meet.example.gov.cn/minxin-{session}-{token}`) filled with the session's id
and a random token, so a room cannot be guessed from its number.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from minxin.accounts.models import CENTRE_ROLES, User
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.notify.services import inbox_post, render, sms_queue
from minxin.org.models import Unit
from minxin.tickets import timeline
from minxin.tickets.actions import Action as A
from minxin.tickets.actors import Actor
from minxin.tickets.models import OPEN_STATUSES, Ticket
from minxin.tickets.workflow import require_allowed
from minxin.video.models import VideoInvite, VideoSession

REASON_CHARS = 500
MINUTES_CHARS = 10000
MAX_UNITS = 10
S = VideoSession.Status
S_FINISHED = VideoSession.FINISHED


def when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}" if moment else ""


def video_request(*, ticket_id: int, actor: Actor, reason: str) -> VideoSession:
    """The citizen (proved as for a supplement or a rating) asks for a video session."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请说明需要视频接访的原因", code="reason_empty", field="reason")
    if len(reason) > REASON_CHARS:
        raise ValidationFailed(f"原因不能超过{REASON_CHARS}字", field="reason")
    try:
        with transaction.atomic():
            ticket = _locked(ticket_id)
            require_allowed(actor, ticket, A.VIDEO_REQUEST)
            if ticket.status not in OPEN_STATUSES:
                raise Conflict("诉求已办结，不能再申请视频接访", code="ticket_closed")
            if VideoSession.objects.filter(ticket=ticket).exclude(status__in=S_FINISHED).exists():
                raise _already()
            video = VideoSession.objects.create(
                ticket=ticket, reason=reason, requested_at=clock.now()
            )
            timeline.record(ticket, actor=actor, action=A.VIDEO_REQUEST, note=reason)
    except IntegrityError as exc:  # an ask racing this one won
        raise _already() from exc
    return video


def _already() -> Conflict:
    return Conflict("该诉求已有待举行的视频接访，请等待安排", code="video_already_requested")


def _locked(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("诉求不存在", code="ticket_not_found")
    return ticket


def sessions_for_staff(user: User) -> QuerySet[VideoSession]:
    """The centre sees every session; a unit's staff the sessions their unit is invited to."""
    rows = VideoSession.objects.select_related("ticket").prefetch_related("invites__unit")
    if user.is_active and user.role in CENTRE_ROLES:
        return rows
    if user.unit_id is None:
        return rows.none()
    return rows.filter(invites__unit_id=user.unit_id).distinct()


def session_for_staff(*, user: User, session_id: int) -> VideoSession:
    found = sessions_for_staff(user).filter(pk=session_id).first()
    if found is None:
        raise NotFound("视频接访不存在或您无权查看", code="video_not_found")
    return found


def locked_session(user: User, session_id: int) -> tuple[VideoSession, Ticket]:
    session_for_staff(user=user, session_id=session_id)  # 404 outside the user's scope
    video = VideoSession.objects.select_for_update().get(pk=session_id)
    return video, _locked(video.ticket_id)


def _check_units(unit_ids: Sequence[int]) -> list[Unit]:
    if not unit_ids:
        raise ValidationFailed("请至少邀请一个单位", code="no_units", field="units")
    if len(set(unit_ids)) != len(unit_ids):
        raise ValidationFailed("同一单位不能重复邀请", code="unit_invited_twice", field="units")
    if len(unit_ids) > MAX_UNITS:
        raise ValidationFailed(f"最多邀请{MAX_UNITS}个单位", field="units")
    units = list(Unit.objects.filter(pk__in=unit_ids, is_active=True))
    if len(units) != len(unit_ids):
        raise ValidationFailed("所选单位不存在或已停用", code="unit_not_found", field="units")
    return units


def video_schedule(
    *,
    user: User,
    session_id: int,
    starts_at: dt.datetime,
    unit_ids: Sequence[int],
    minutes_long: int = 60,
) -> VideoSession:
    """Set the time and invite the units; the link is made now, shown once all confirm."""
    if starts_at <= clock.now():
        raise ValidationFailed("开始时间必须晚于现在", code="starts_in_past", field="starts_at")
    if not 15 <= minutes_long <= 240:
        raise ValidationFailed("时长应在15到240分钟之间", field="minutes_long")
    units = _check_units(unit_ids)
    if not settings.VIDEO_URL_TEMPLATE:
        raise Conflict(
            "未配置视频会议服务（MINXIN_VIDEO_URL_TEMPLATE），请联系系统管理员",
            code="video_not_configured",
        )
    with transaction.atomic():
        video, ticket = locked_session(user, session_id)
        require_allowed(Actor.staff(user), ticket, A.VIDEO_SCHEDULE)
        if video.status != S.REQUESTED:
            raise Conflict("该视频接访已经安排过，可以追加邀请单位", code="video_scheduled")
        video.token = secrets.token_hex(8)
        video.link = settings.VIDEO_URL_TEMPLATE.format(session=video.pk, token=video.token)
        video.status, video.starts_at, video.minutes_long = S.SCHEDULED, starts_at, minutes_long
        video.scheduled_by = user
        video.save(
            update_fields=["token", "link", "status", "starts_at", "minutes_long", "scheduled_by"]
        )
        VideoInvite.objects.bulk_create([VideoInvite(session=video, unit=u) for u in units])
        names = "、".join(u.name for u in units)
        note = f"视频接访安排在{when(starts_at)}（{minutes_long}分钟），邀请：{names}"
        timeline.record(ticket, actor=Actor.staff(user), action=A.VIDEO_SCHEDULE, note=note)
        for unit in units:
            invite_message(video, unit)
        citizen_sms(video, "video_scheduled", key=f"video_scheduled:{video.pk}")
    return video


def video_invite(*, user: User, session_id: int, unit_id: int) -> VideoInvite:
    """Invite one more unit to a scheduled session; a unit already invited is a 409."""
    unit = _check_units([unit_id])[0]
    with transaction.atomic():
        video, ticket = locked_session(user, session_id)
        require_allowed(Actor.staff(user), ticket, A.VIDEO_SCHEDULE)
        if video.status != S.SCHEDULED:
            raise Conflict("只能为已安排、尚未举行的视频接访追加单位", code="video_not_scheduled")
        if video.invites.filter(unit=unit).exists():
            raise Conflict(f"{unit.name}已被邀请，不能重复邀请", code="unit_invited_twice")
        invite = VideoInvite.objects.create(session=video, unit=unit)
        note = f"视频接访追加邀请：{unit.name}"
        timeline.record(ticket, actor=Actor.staff(user), action=A.VIDEO_SCHEDULE, note=note)
        invite_message(video, unit)
    return invite


def video_confirm(*, user: User, session_id: int) -> VideoInvite:
    """The user's unit confirms it will attend."""
    with transaction.atomic():
        video, ticket = locked_session(user, session_id)
        require_allowed(Actor.staff(user), ticket, A.VIDEO_CONFIRM)
        invite = next((i for i in video.invites.all() if i.unit_id == user.unit_id), None)
        if invite is None or user.unit_id is None:
            raise PermissionDenied("您所在单位未被邀请参加这次视频接访", code="not_invited")
        if video.status != S.SCHEDULED:
            raise Conflict(
                f"这次视频接访{video.get_status_display()}", code=f"video_{video.status}"
            )
        if invite.confirmed_at is not None:
            raise Conflict("本单位已确认参加", code="already_confirmed")
        invite.confirmed_by, invite.confirmed_at = user, clock.now()
        invite.save(update_fields=["confirmed_by", "confirmed_at"])
        timeline.record(
            ticket,
            actor=Actor.staff(user),
            action=A.VIDEO_CONFIRM,
            note=f"{user.unit.name if user.unit else ''}确认参加{when(video.starts_at)}的视频接访",
        )
    return invite


def video_record(
    *,
    user: User,
    session_id: int,
    attended_unit_ids: Sequence[int],
    citizen_attended: bool,
    minutes: str,
) -> VideoSession:
    """After the session: who attended and the minutes, onto the request's timeline."""
    minutes = minutes.strip()
    if not minutes:
        raise ValidationFailed("请填写会议纪要", code="minutes_empty", field="minutes")
    if len(minutes) > MINUTES_CHARS:
        raise ValidationFailed(f"会议纪要不能超过{MINUTES_CHARS}字", field="minutes")
    with transaction.atomic():
        video, ticket = locked_session(user, session_id)
        require_allowed(Actor.staff(user), ticket, A.VIDEO_HELD)
        if video.status != S.SCHEDULED:
            raise Conflict("只能为已安排、尚未记录的视频接访填写纪要", code="video_not_scheduled")
        if video.starts_at and video.starts_at > clock.now():
            raise Conflict("视频接访尚未开始，不能填写纪要", code="video_not_started")
        invites = list(video.invites.select_related("unit"))
        if not set(attended_unit_ids) <= {i.unit_id for i in invites}:
            raise ValidationFailed("参加单位必须是受邀单位", field="attended")
        for invite in invites:
            invite.attended = invite.unit_id in attended_unit_ids
            invite.save(update_fields=["attended"])
        video.status, video.citizen_attended = S.HELD, citizen_attended
        video.minutes, video.held_recorded_by = minutes, user
        video.save(update_fields=["status", "citizen_attended", "minutes", "held_recorded_by"])
        timeline.record(
            ticket, actor=Actor.staff(user), action=A.VIDEO_HELD, note=_held_note(video, invites)
        )
    return video


def _held_note(video: VideoSession, invites: list[VideoInvite]) -> str:
    came = [i.unit.name for i in invites if i.attended]
    absent = [i.unit.name for i in invites if not i.attended]
    if video.citizen_attended:
        came.insert(0, "诉求人")
    else:
        absent.insert(0, "诉求人")
    lines = [
        f"视频接访已于{when(video.starts_at)}举行。",
        f"参加：{'、'.join(came) or '无'}" + (f"；未参加：{'、'.join(absent)}" if absent else ""),
        f"纪要：{video.minutes}",
    ]
    return "\n".join(lines)


# ---- messages -------------------------------------------------------------------------------


def invite_message(video: VideoSession, unit: Unit) -> None:
    ticket = video.ticket
    inbox_post(
        key=f"video_invited:{video.pk}:{unit.pk}",
        event="video_invited",
        unit_id=unit.pk,
        ticket_id=ticket.pk,
        text=render(
            "video_invited", code=ticket.display_code, title=ticket.title, due=when(video.starts_at)
        ),
    )


def citizen_sms(video: VideoSession, event: str, *, key: str, **context: str) -> None:
    ticket = video.ticket
    if not ticket.submitter_phone:
        return  # an anonymous citizen reads it on the request's video page
    text = render(
        event,
        code=ticket.display_code,
        due=when(video.starts_at),
        link=video.link,
        note=f"{settings.SITE_URL}/video/{ticket.tracking_code}/",
        **context,
    )
    sms_queue(
        phone=ticket.submitter_phone,
        text=text,
        purpose=event,
        event=event,
        ticket_id=ticket.pk,
        key=key,
    )


def remind_due(now: dt.datetime | None = None) -> int:
    """Remind the citizen (SMS) and each invited unit (inbox) of the sessions starting within
    VIDEO_REMIND_MINUTES. Each session is claimed first, so two workers remind it once."""
    now = now or clock.now()
    soon = now + dt.timedelta(minutes=settings.VIDEO_REMIND_MINUTES)
    due = VideoSession.objects.filter(
        status=S.SCHEDULED, reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=soon
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            if not VideoSession.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another worker has it
            video = VideoSession.objects.select_related("ticket").get(pk=pk)
            citizen_sms(video, "video_reminder", key=f"video_reminder:{video.pk}")
            for invite in video.invites.select_related("unit"):
                inbox_post(
                    key=f"video_reminder:{video.pk}:{invite.unit_id}",
                    event="video_reminder",
                    unit_id=invite.unit_id,
                    ticket_id=video.ticket_id,
                    text=render(
                        "video_reminder_unit",
                        code=video.ticket.display_code,
                        title=video.ticket.title,
                        due=when(video.starts_at),
                        link=video.link,
                    ),
                )
            done += 1
    return done
