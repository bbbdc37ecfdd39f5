"""The workbench inbox (站内消息): messages to the user and their unit; marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import NotFound, ValidationFailed
from minxin.supervision.selectors import inbox_for
from minxin.workbench import casework
from minxin.workbench.actions import parse_ints
from minxin.workbench.search import page_of


@never_cache
@login_required
def inbox(request: StaffRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    items = inbox_for(request.user)
    if unread_only:
        items = items.filter(read_at=None)
    page = page_of(items.order_by("-id"), request.GET.get("page"))
    return render(
        request,
        "workbench/inbox.html",
        {
            "nav": "inbox",
            "page": page,
            "unread_only": unread_only,
            "query": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_POST
def inbox_read(request: StaffRequest) -> HttpResponse:
    try:
        ids = (
            None if request.POST.get("all") == "1" else parse_ints(request.POST, "message", "消息")
        )
        if ids == []:
            raise ValidationFailed("请选择消息", code="required", field="message")
        done = casework.inbox_mark_read(user=request.user, message_ids=ids)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("workbench:inbox")
    messages.success(request, f"已将{done}条消息标为已读")
    return redirect("workbench:inbox")
