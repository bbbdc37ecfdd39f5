"""并案 and "不是重复" on a flagged duplicate (疑似重复), posted from the request page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import DomainError, NotFound
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.workbench import services


@login_required
@require_POST
def merge(request: StaffRequest, flag_id: int) -> HttpResponse:
    return _resolve(request, flag_id, merge=True, done="已并案")


@login_required
@require_POST
def dismiss(request: StaffRequest, flag_id: int) -> HttpResponse:
    return _resolve(request, flag_id, merge=False, done="已标记为不是重复")


def _resolve(request: StaffRequest, flag_id: int, *, merge: bool, done: str) -> HttpResponse:
    try:
        services.duplicate_resolve(
            user=request.user, flag_id=flag_id, merge=merge, note=request.POST.get("note", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    except DomainError as exc:  # already handled by someone else, or not mergeable now
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    back = request.POST.get("back", "")
    if back.isdigit() and len(back) <= 18:
        return redirect("workbench:detail", ticket_id=int(back))
    return redirect("workbench:home")
