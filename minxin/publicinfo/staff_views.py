"""Staff pages of the case library: nominate from the request page, review, publish, withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.accounts.models import User
from minxin.core.errors import DomainError, NotFound
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.publicinfo import cases, redact
from minxin.publicinfo.models import CaseStatus, TypicalCase
from minxin.tickets.workflow import Action, role_may
from minxin.workbench.views.tickets import detail_with_error


def signed_in(request: HttpRequest) -> User:
    """The staff member behind a `login_required` view."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


@login_required
@require_POST
def nominate(request: StaffRequest, ticket_id: int) -> HttpResponse:
    try:
        case = cases.case_nominate(
            user=signed_in(request), ticket_id=ticket_id, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "nominate")
    messages.success(request, "已推荐为典型案例，个人信息已自动隐去，等待审核后公开")
    return redirect("staff-public:case", case_id=case.pk)


@never_cache
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CaseStatus.NOMINATED)
    rows = cases.cases_for_staff(signed_in(request))
    if status in CaseStatus.values:
        rows = rows.filter(status=status)
    context = {
        "nav": "cases",
        "rows": rows.order_by("-nominated_at", "-id")[:100],
        "status": status,
        "statuses": CaseStatus.choices,
    }
    return render(request, "publicinfo/staff/case_list.html", context)


@never_cache
@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    return render(request, "publicinfo/staff/case.html", _context(request, case_id))


def _context(request: HttpRequest, case_id: int, **extra: Any) -> dict[str, Any]:
    try:
        case = cases.case_for_staff(user=signed_in(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return {
        "nav": "cases",
        "case": case,
        "may_review": role_may(signed_in(request), Action.CASE_PUBLISH),
        "remaining": _remaining(case),
        "kind_labels": redact.KIND_LABELS,
        **extra,
    }


def _remaining(case: TypicalCase) -> list[dict[str, str]]:
    """What the rules still find in the texts as they are now: for the reviewer to look at."""
    return [
        {"field": field, "kind": redact.KIND_LABELS[span.kind], "text": span.text}
        for field in cases.TEXT_FIELDS
        for span in redact.find(getattr(case, field))
    ]


@login_required
@require_POST
def act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    post, user = request.POST, signed_in(request)
    version = int(post["version"]) if post.get("version", "").isdigit() else None
    try:
        if action == "edit":
            cases.case_edit(user=user, case_id=case_id, data=post.dict(), expected_version=version)
            done = "修改已保存"
        elif action == "publish":
            confirmed = post.get("confirmed") == "yes"
            cases.case_publish(
                user=user, case_id=case_id, confirmed=confirmed, expected_version=version
            )
            done = "案例已公开"
        elif action == "withdraw":
            reason = post.get("reason", "")
            cases.case_withdraw(user=user, case_id=case_id, reason=reason, expected_version=version)
            done = "案例已撤回，公众不再能看到"
        else:
            raise Http404
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    except DomainError as exc:
        context = _context(request, case_id, error=exc, error_form=action, posted=post)
        return render(request, "publicinfo/staff/case.html", context, status=exc.status)
    messages.success(request, done)
    return redirect("staff-public:case", case_id=case_id)
