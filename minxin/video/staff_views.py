"""Staff pages of 视频接访: the centre schedules and records; invited units confirm."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.accounts.models import CENTRE_ROLES, User
from minxin.core.errors import DomainError, NotFound, ValidationFailed
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.org.models import Unit
from minxin.video import changes, services


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) <= 18]


def _moment(raw: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationFailed("请填写开始时间", code="starts_at", field="starts_at") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@never_cache
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = services.sessions_for_staff(user).order_by("status", "starts_at", "-requested_at")
    context = {"nav": "video", "rows": rows[:200], "centre": user.role in CENTRE_ROLES}
    return render(request, "video/staff_list.html", context)


def _context(request: HttpRequest, session_id: int, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    try:
        video = services.session_for_staff(user=user, session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    invites = list(video.invites.select_related("unit", "confirmed_by"))
    invited = {i.unit_id for i in invites}
    return {
        "nav": "video",
        "video": video,
        "invites": invites,
        "mine": next((i for i in invites if i.unit_id == user.unit_id), None),
        "centre": user.role in CENTRE_ROLES,
        "units": Unit.objects.filter(is_active=True).exclude(pk__in=invited).order_by("path"),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


@never_cache
@login_required
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    return render(request, "video/staff_session.html", _context(request, session_id))


@login_required
@require_POST
def act(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    user, post = _user(request), request.POST
    try:
        if action == "schedule":
            services.video_schedule(
                user=user,
                session_id=session_id,
                starts_at=_moment(post.get("starts_at", "")),
                unit_ids=_ids(post.getlist("units")),
                minutes_long=int(post.get("minutes_long") or 60),
            )
            done = "已安排视频接访并通知受邀单位和诉求人"
        elif action == "invite":
            services.video_invite(
                user=user, session_id=session_id, unit_id=int(post.get("unit") or 0)
            )
            done = "已追加邀请"
        elif action == "confirm":
            services.video_confirm(user=user, session_id=session_id)
            done = "已确认参加"
        elif action == "record":
            services.video_record(
                user=user,
                session_id=session_id,
                attended_unit_ids=_ids(post.getlist("attended")),
                citizen_attended=post.get("citizen_attended") == "yes",
                minutes=post.get("minutes", ""),
            )
            done = "纪要已记入诉求办理过程"
        elif action == "reschedule":
            changes.video_reschedule(
                user=user,
                session_id=session_id,
                starts_at=_moment(post.get("starts_at", "")),
                reason=post.get("reason", ""),
            )
            done = "已改期，并通知受邀单位和诉求人"
        elif action == "cancel":
            changes.video_cancel(user=user, session_id=session_id, reason=post.get("reason", ""))
            done = "已取消，并通知受邀单位和诉求人"
        else:
            raise Http404
    except ValueError:
        return _page_with(request, session_id, ValidationFailed("请填写正确的数字"), action)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    except DomainError as exc:
        return _page_with(request, session_id, exc, action)
    messages.success(request, done)
    return redirect("staff-video:session", session_id=session_id)


def _page_with(request: HttpRequest, session_id: int, exc: DomainError, form: str) -> HttpResponse:
    context = _context(request, session_id, error=exc, error_form=form, posted=request.POST)
    return render(request, "video/staff_session.html", context, status=exc.status)
