"""Staff pages of the back tier: hot spots with the district map, early warnings and demand
forecasts (/staff/hotspots/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minxin.accounts.models import CITYWIDE_ROLES
from minxin.core.errors import ValidationFailed
from minxin.insight.demand import demand_forecasts
from minxin.insight.geo import district_map
from minxin.insight.hotspots import latest
from minxin.insight.models import InsightAlert
from minxin.supervision import records
from minxin.tickets.selectors import tickets_visible_to

ALERTS_SHOWN = 10


def may_read_insight(user: object) -> bool:
    """The city-wide roles see the city's hot spots; a unit's staff see their unit's work."""
    return getattr(user, "role", None) in CITYWIDE_ROLES


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    if not may_read_insight(request.user):
        error = {"message": "您的角色不能查看民生热点"}
        return render(request, "workbench/403.html", {"error": error}, status=403)
    context: dict = {"nav": "hotspots", "shortcuts": _shortcuts()}
    try:
        period = context["period"] = records.period_from(request.GET)
    except ValidationFailed as exc:
        context.update(error=exc, period=None)
        return render(request, "insight/hotspots.html", context, status=400)
    tickets = tickets_visible_to(request.user)  # type: ignore[arg-type]
    rows = (
        tickets.filter(created_at__gte=period.start, created_at__lt=period.end)
        .values_list("district__name")
        .annotate(n=Count("id"))
        .values_list("district__name", "n")
        .order_by()
    )
    volumes: dict[str, float] = {name: n for name, n in rows if name}
    context.update(
        snapshot=latest(),
        map=district_map(volumes),
        volumes=sorted(volumes.items(), key=lambda kv: -kv[1]),
        alerts=InsightAlert.objects.select_related("district")[:ALERTS_SHOWN],
        by_category=demand_forecasts(tickets, by="category"),
        by_district=demand_forecasts(tickets, by="district"),
    )
    return render(request, "insight/hotspots.html", context)


def _shortcuts() -> list[tuple[str, records.Period]]:
    return [(label, records.shortcut(key)) for key, label in records.SHORTCUTS.items()]
