"""Supervision orders (督办): the list, one order with its timeline, opening one from a
request, the unit's response, closing with an outcome; and the units' records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.core.errors import DomainError, NotFound
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.workbench import casework, pages
from minxin.workbench.permissions import may_read_orders, may_read_records
from minxin.workbench.search import page_of
from minxin.workbench.views.tickets import detail_with_error


def _forbidden(request: HttpRequest, error: Forbidden) -> HttpResponse:
    return render(request, "workbench/403.html", {"error": error}, status=403)


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    if not may_read_orders(request.user):
        return _forbidden(request, Forbidden("您的角色不能查看督办单"))
    key = request.GET.get("state", "live")
    key = key if key in pages.ORDER_FILTERS else "live"
    page = page_of(pages.order_list(request.user, key), request.GET.get("page"))
    return render(request, "workbench/orders.html", {
        "nav": "supervision", "page": page, "state": key, "filters": pages.ORDER_FILTERS,
        "query": f"state={key}"})


def _order_page(request: HttpRequest, order_id: int, error: DomainError | None = None,
                form: str = "") -> HttpResponse:
    try:
        order = casework.order_for_staff(user=request.user, order_id=order_id)
    except Forbidden as exc:
        return _forbidden(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = pages.order_context(request.user, order)
    if error is not None:
        context.update(error=error, error_form=form, posted=request.POST)
    return render(request, "workbench/order.html", context,
                  status=error.status if error else 200)


@never_cache
@login_required
def order(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_page(request, order_id)


def _order_write(request: HttpRequest, order_id: int, form: str, done: str) -> HttpResponse:
    write = casework.order_respond if form == "respond" else casework.order_close
    try:
        write(user=request.user, order_id=order_id, data=request.POST)
    except Forbidden as exc:
        return _forbidden(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return _order_page(request, order_id, exc, form)
    messages.success(request, done)
    return redirect("workbench:order", order_id=order_id)


@login_required
@require_POST
def respond(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_write(request, order_id, "respond", "督办回复已提交")


@login_required
@require_POST
def close(request: HttpRequest, order_id: int) -> HttpResponse:
    return _order_write(request, order_id, "close", "督办单已办结")


@login_required
@require_POST
def supervise(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        made = casework.order_open(user=request.user, ticket_id=ticket_id, data=request.POST)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "supervise")
    due = timezone.localtime(made.respond_by)
    messages.success(request, f"已发起督办，{made.unit.name}须于{due:%Y-%m-%d}前回复")
    return redirect("workbench:order", order_id=made.pk)


@login_required
def units(request: HttpRequest) -> HttpResponse:
    if not may_read_records(request.user):
        return _forbidden(request, Forbidden("您的角色不能查看单位考核记录"))
    return render(request, "workbench/units.html",
                  {"nav": "records", "groups": pages.record_units(request.user)})


@login_required
def unit_record(request: HttpRequest, unit_id: int) -> HttpResponse:
    try:
        unit, record = casework.record_for_staff(user=request.user, unit_id=unit_id)
    except Forbidden as exc:
        return _forbidden(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "workbench/unit_record.html",
                  {"nav": "records", "unit": unit, "rows": pages.record_rows(record)})
