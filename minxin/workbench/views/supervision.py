"""Supervision orders (督办): the list, one order with its timeline, opening one from a
request, the unit's response, closing with an outcome; and the units' records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from minxin.accounts.http import StaffRequest
from minxin.core.errors import DomainError, NotFound, ValidationFailed
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.supervision import records
from minxin.workbench import casework, comparison, pages
from minxin.workbench.export import attachment, table_xlsx
from minxin.workbench.permissions import may_read_orders, may_read_records
from minxin.workbench.search import page_of
from minxin.workbench.views.tickets import detail_with_error


def _forbidden(request: StaffRequest, error: Forbidden) -> HttpResponse:
    return render(request, "workbench/403.html", {"error": error}, status=403)


@login_required
def orders(request: StaffRequest) -> HttpResponse:
    if not may_read_orders(request.user):
        return _forbidden(request, Forbidden("您的角色不能查看督办单"))
    key = request.GET.get("state", "live")
    key = key if key in pages.ORDER_FILTERS else "live"
    page = page_of(pages.order_list(request.user, key), request.GET.get("page"))
    return render(
        request,
        "workbench/orders.html",
        {
            "nav": "supervision",
            "page": page,
            "state": key,
            "filters": pages.ORDER_FILTERS,
            "query": f"state={key}",
        },
    )


def _order_page(
    request: StaffRequest, order_id: int, error: DomainError | None = None, form: str = ""
) -> HttpResponse:
    try:
        order = casework.order_for_staff(user=request.user, order_id=order_id)
    except Forbidden as exc:
        return _forbidden(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = pages.order_context(request.user, order)
    if error is not None:
        context.update(error=error, error_form=form, posted=request.POST)
    return render(request, "workbench/order.html", context, status=error.status if error else 200)


@never_cache
@login_required
def order(request: StaffRequest, order_id: int) -> HttpResponse:
    return _order_page(request, order_id)


def _order_write(request: StaffRequest, order_id: int, form: str, done: str) -> HttpResponse:
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
def respond(request: StaffRequest, order_id: int) -> HttpResponse:
    return _order_write(request, order_id, "respond", "督办回复已提交")


@login_required
@require_POST
def close(request: StaffRequest, order_id: int) -> HttpResponse:
    return _order_write(request, order_id, "close", "督办单已办结")


@login_required
@require_POST
def supervise(request: StaffRequest, ticket_id: int) -> HttpResponse:
    try:
        made = casework.order_open(user=request.user, ticket_id=ticket_id, data=request.POST)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail_with_error(request, ticket_id, exc, "supervise")
    due = timezone.localtime(made.respond_by)
    messages.success(request, f"已发起督办，{made.addressee}须于{due:%Y-%m-%d}前回复")
    return redirect("workbench:order", order_id=made.pk)


def _period_context(request: StaffRequest) -> dict:
    """The record's period from the URL, with the shortcuts' links; or the error."""
    try:
        period = records.period_from(request.GET)
    except ValidationFailed as exc:
        return {"error": exc, "period": None, "shortcuts": _shortcuts()}
    return {"period": period, "shortcuts": _shortcuts()}


def _shortcuts() -> list[tuple[str, records.Period]]:
    return [(label, records.shortcut(key)) for key, label in records.SHORTCUTS.items()]


@login_required
def units(request: StaffRequest) -> HttpResponse:
    if not may_read_records(request.user):
        return _forbidden(request, Forbidden("您的角色不能查看单位考核记录"))
    context = {"nav": "records", **_period_context(request)}
    try:
        sort = comparison.sort_from(request.GET)
    except ValidationFailed as exc:
        context.update(error=exc, period=None)
        sort = comparison.Sort()
    context["sort"] = sort
    if context["period"] is None:
        return render(request, "workbench/units.html", context, status=400)
    context.update(
        rows=comparison.comparison(request.user, context["period"], sort),
        headers=comparison.headers(sort),
    )
    return render(request, "workbench/units.html", context)


@login_required
def unit_record(request: StaffRequest, unit_id: int) -> HttpResponse:
    context = {"nav": "records", **_period_context(request)}
    period = context["period"] or records.shortcut("this_month")
    try:
        unit, record = casework.record_for_staff(user=request.user, unit_id=unit_id, period=period)
    except Forbidden as exc:
        return _forbidden(request, exc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if context["period"] is None:
        return render(request, "workbench/unit_record.html", {**context, "unit": unit}, status=400)
    return render(
        request,
        "workbench/unit_record.html",
        {**context, "unit": unit, "rows": pages.record_rows(record)},
    )


@login_required
def units_export(request: StaffRequest) -> HttpResponseBase:
    """The comparison as shown, as a spreadsheet (rates as percentages, as on the page)."""
    if not may_read_records(request.user):
        return _forbidden(request, Forbidden("您的角色不能查看单位考核记录"))
    try:
        period = records.period_from(request.GET)
        sort = comparison.sort_from(request.GET)
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    rows = comparison.comparison(request.user, period, sort)
    body = table_xlsx(
        "单位考核",
        comparison.export_headers(),
        [24, 8] + [10] * len(comparison.COLUMNS),
        [[row.unit.name, row.level, *row.cells] for row in rows],
    )
    return attachment(body, f"minxin-units-{period.first:%Y%m%d}-{period.last:%Y%m%d}.xlsx")
