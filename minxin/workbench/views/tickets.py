"""Home, queues, the request page and its actions, contact reveal, bulk dispatch."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import DomainError, NotFound, ValidationFailed
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.org import readiness
from minxin.privacy.services import contact_reveal
from minxin.tickets import listing, selectors
from minxin.tickets.listing import ListQuery
from minxin.tickets.models import Ticket
from minxin.workbench import login_flow, pages, services
from minxin.workbench.actions import ACTIONS, action_from_slug
from minxin.workbench.queues import (
    SECTIONS,
    breakdown,
    section_ids,
    section_rows,
)
from minxin.workbench.search import page_of


@login_required
def home(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "workbench/home.html",
        {
            "nav": "home",
            "setup_missing": readiness.missing_setup(),
            "setup_hint": readiness.SETUP_HINT,
            **pages.home_context(request.user),
        },
    )


@login_required
def queue(request: StaffRequest, key: str) -> HttpResponse:
    section = SECTIONS.get(key)
    if section is None:
        raise Http404
    context = {"nav": "home", "section": section, **pages.queue_options()}
    try:
        query = listing.parse(request.GET)
    except ValidationFailed as exc:
        # A hand-edited or stale URL: say which choice is wrong, list nothing.
        context.update(error=exc, chosen=ListQuery(), rows=[])
        return render(request, "workbench/queue.html", context, status=400)
    # The ids of one page in the list's order, then those rows with what the table shows.
    ids = page_of(section_ids(request.user, section, query), request.GET.get("page"))
    page = ids.with_rows(section_rows(request.user, ids.rows))
    context.update(
        page=page,
        chosen=query,
        query=query.params(),
        **pages.queue_rows(request.user, section, page.rows),
    )
    if page.number == 1 and not page.has_next and page.rows:
        context["breakdown"] = breakdown(page.rows, context["marks"])
    return render(request, "workbench/queue.html", context)


def _visible(request: StaffRequest, ticket_id: int) -> Ticket:
    try:
        return selectors.ticket_for_staff(user=request.user, ticket_id=ticket_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@never_cache
@login_required
def detail(request: StaffRequest, ticket_id: int) -> HttpResponse:
    ticket = _visible(request, ticket_id)
    return render(request, "workbench/detail.html", pages.detail_context(request.user, ticket))


def detail_with_error(
    request: StaffRequest, ticket_id: int, error: DomainError, form: str
) -> HttpResponse:
    """The request page, freshly read, with the error beside the form that caused it."""
    if isinstance(error, Forbidden):
        return render(request, "workbench/403.html", {"error": error}, status=403)
    ticket = _visible(request, ticket_id)
    context = pages.detail_context(request.user, ticket)
    context.update(
        error=error,
        error_form=form,
        posted=request.POST,
        posted_co=request.POST.getlist("co_unit_ids"),
    )
    return render(request, "workbench/detail.html", context, status=error.status)


@login_required
@require_POST
def act(request: StaffRequest, ticket_id: int, action_slug: str) -> HttpResponse:
    action = action_from_slug(action_slug)
    if action is None:
        raise Http404
    try:
        services.ticket_act(
            user=request.user, ticket_id=ticket_id, action=action, data=request.POST
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, action)
    messages.success(request, ACTIONS[action].done)
    # After a return or a dispatch the request may have left this user's scope.
    if selectors.tickets_visible_to(request.user).filter(pk=ticket_id).exists():
        return redirect("workbench:detail", ticket_id=ticket_id)
    return redirect("workbench:home")


@never_cache
@login_required
@require_POST
def reveal(request: StaffRequest, ticket_id: int) -> HttpResponse:
    try:
        if settings.REVEAL_REQUIRES_TOTP and not login_flow.passed_second_factor(request):
            raise Forbidden(
                "查看联系方式须使用两步验证登录：请先在“账户安全”中启用动态口令，退出后重新登录",
                code="second_factor_required",
                field="reason",
            )
        contact_reveal(
            user=request.user, ticket_id=ticket_id, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "reveal")
    # Rendered, not redirected: the real contact exists only in this one response.
    ticket = _visible(request, ticket_id)
    context = pages.detail_context(request.user, ticket)
    context["revealed"] = True
    return render(request, "workbench/detail.html", context)


@login_required
@require_POST
def bulk_dispatch(request: StaffRequest) -> HttpResponse:
    try:
        results = services.tickets_bulk_dispatch_form(user=request.user, data=request.POST)
    except Forbidden as exc:
        return render(request, "workbench/403.html", {"error": exc}, status=403)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:home")
    return render(request, "workbench/bulk_result.html", {"nav": "home", "results": results})
