"""The citizen's video page: ask for a session on their request, see when it is and its link.
Ownership is proved as for a supplement or a rating: the session's tracking grant or verified
phone (`portal.session`); without it the visitor is sent to prove it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from minxin.core.errors import DomainError, NotFound
from minxin.portal import session
from minxin.tickets.models import OPEN_STATUSES
from minxin.video import services
from minxin.video.models import VideoSession


@never_cache
@require_http_methods(["GET", "POST"])
def video_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        ticket, actor = session.tracked_ticket(request, code)
    except session.NoGrant:
        messages.info(request, "请先凭查询码查看您的诉求，再申请视频接访")
        return redirect(reverse("portal:track") + "?" + urlencode({"code": code}))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("portal:track") + "?" + urlencode({"code": code}))
    error, status = None, 200
    if request.method == "POST":
        try:
            services.video_request(
                ticket_id=ticket.pk, actor=actor, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            messages.success(request, "已申请视频接访，工作人员安排好时间后会通知您")
            return redirect("video:citizen", code=ticket.tracking_code)
    sessions = VideoSession.objects.filter(ticket=ticket).prefetch_related("invites__unit")
    rows = list(sessions.order_by("-requested_at", "-id"))
    context = {
        "ticket": ticket,
        "sessions": rows,
        "may_ask": ticket.status in OPEN_STATUSES
        and all(s.status in VideoSession.FINISHED for s in rows),
        "error": error,
        "posted": request.POST.get("reason", ""),
        "max_reason": services.REASON_CHARS,
    }
    return render(request, "video/citizen.html", context, status=status)
