"""The oversight group (监督小组) on the request page: sharing a case with members, and a
member's structured evaluation (第三方评议)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import DomainError, NotFound
from minxin.workbench import casework
from minxin.workbench.views.tickets import detail_with_error


@login_required
@require_POST
def share(request: StaffRequest, ticket_id: int) -> HttpResponse:
    try:
        made = casework.case_share(user=request.user, ticket_id=ticket_id, data=request.POST)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "share")
    messages.success(
        request,
        f"已提交监督小组评议（新增{made}人）" if made else "所选成员此前已收到该案件，无需重复提交",
    )
    return redirect("workbench:detail", ticket_id=ticket_id)


@login_required
@require_POST
def evaluate(request: StaffRequest, ticket_id: int) -> HttpResponse:
    try:
        casework.case_evaluate(user=request.user, ticket_id=ticket_id, data=request.POST)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "evaluate")
    messages.success(request, "评议已提交，承办单位可以看到")
    return redirect("workbench:detail", ticket_id=ticket_id)
