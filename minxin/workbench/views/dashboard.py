"""The dashboard (/staff/dashboard/, docs/analytics.md), its drill-down lists, its exports
and the monthly report: the pages; the figures and tables are `minxin.analytics`'."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from minxin.accounts.http import StaffRequest
from minxin.analytics import panels, report, tables
from minxin.analytics.access import dashboard_scope, scope_label
from minxin.analytics.charts import dashboard_charts
from minxin.analytics.drill import COUNT_CAP, drill
from minxin.analytics.models import RollupDay
from minxin.analytics.params import Query, parse
from minxin.core.errors import DomainError, NotFound
from minxin.core.errors import PermissionDenied as Forbidden
from minxin.core.replica import replica_reads
from minxin.org.models import Category, RequestType, Unit
from minxin.supervision.records import SHORTCUTS, shortcut
from minxin.tickets.models import Channel
from minxin.workbench.export import attachment, table_xlsx
from minxin.workbench.search import page_of

CITY_DIMENSIONS = ["type", "category", "district", "channel", "unit"]
UNIT_DIMENSIONS = ["type", "category", "channel", "unit"]


def refused(request: StaffRequest, error: DomainError) -> HttpResponse:
    if isinstance(error, Forbidden):
        return render(request, "workbench/403.html", {"error": error}, status=403)
    status = 404 if isinstance(error, NotFound) else 400
    return render(
        request, "analytics/error.html", {"error": error, "nav": "dashboard"}, status=status
    )


def _query(request: StaffRequest) -> Query:
    return parse(request.GET, dashboard_scope(request.user))


def _dimensions(query: Query) -> list[str]:
    return CITY_DIMENSIONS if query.scope.unit_ids is None else UNIT_DIMENSIONS


def _choices() -> dict[str, object]:
    return {
        "types": RequestType.objects.all(),
        "categories": Category.objects.filter(parent=None),
        "districts": Unit.objects.filter(kind=Unit.Kind.DISTRICT),
        "channels": Channel.choices,
        "shortcuts": [(label, shortcut(key)) for key, label in SHORTCUTS.items()],
    }


@never_cache
@login_required
@replica_reads
def dashboard(request: StaffRequest) -> HttpResponse:
    try:
        query = _query(request)
    except DomainError as exc:
        return refused(request, exc)
    shown = tables.dashboard_tables(query, _dimensions(query))
    tables.link(query, shown)
    context = {
        "nav": "dashboard",
        "query": query,
        "period": query.period,
        "tables": shown,
        "charts": dashboard_charts(shown),
        "panels": panels.panels_for(request.user, query),
        "computed_at": RollupDay.objects.order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first(),
        "scope_label": scope_label(request.user),
        **_choices(),
    }
    return render(request, "analytics/dashboard.html", context)


@never_cache
@login_required
@replica_reads
def requests_behind(request: StaffRequest) -> HttpResponse:
    try:
        label, query, rows = drill(request.user, dashboard_scope(request.user), request.GET)
    except DomainError as exc:
        return refused(request, exc)
    page = page_of(rows, request.GET.get("page"), cap=COUNT_CAP)
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "analytics/drill.html",
        {
            "nav": "dashboard",
            "label": label,
            "query": query,
            "page": page,
            "rows": page.rows,
            "marks": {},
            "keep": kept.urlencode(),
        },
    )


@login_required
@replica_reads
def export(request: StaffRequest, key: str) -> HttpResponseBase:
    """One of the dashboard's tables as shown, as a spreadsheet."""
    try:
        query = _query(request)
    except DomainError as exc:
        return refused(request, exc)
    table = tables.dashboard_table(query, _dimensions(query), key)
    if table is None:
        return refused(request, NotFound("没有这张统计表", code="table_not_found"))
    body = table_xlsx(
        table.title, table.columns, [24] + [14] * (len(table.columns) - 1), table.plain()
    )
    return attachment(
        body, f"minxin-{key}-{query.period.first:%Y%m%d}-{query.period.last:%Y%m%d}.xlsx"
    )


IGNORED = ("month", "from", "to", "period")  # the report's month replaces the period


@login_required
@replica_reads
def monthly_report(request: StaffRequest) -> HttpResponseBase:
    try:
        user = request.user
        scope = dashboard_scope(user)
        first, last = report.month_of(request.GET.get("month"))
        params = {k: str(v) for k, v in request.GET.items() if k not in IGNORED}
        query = parse({**params, "from": f"{first}", "to": f"{last}"}, scope)
        body = report.build(query, scope_label(user))
    except DomainError as exc:
        return refused(request, exc)
    return attachment(body, f"minxin-report-{first:%Y-%m}.pdf", "application/pdf")
