"""Staff pages of the back tier: hot spots with the district map, early warnings and demand
forecasts (/staff/hotspots/)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minxin.accounts.models import CITYWIDE_ROLES
from minxin.analytics.figures import Scope
from minxin.analytics.reads import breakdown
from minxin.core.errors import ValidationFailed
from minxin.core.replica import replica_reads
from minxin.insight.demand import forecasts_latest
from minxin.insight.geo import district_map
from minxin.insight.hotspots import latest
from minxin.insight.models import InsightAlert
from minxin.org.models import Unit
from minxin.supervision import records

ALERTS_SHOWN = 10


def may_read_insight(user: object) -> bool:
    """The city-wide roles see the city's hot spots; a unit's staff see their unit's work."""
    return getattr(user, "role", None) in CITYWIDE_ROLES


def district_volumes(period: records.Period) -> dict[str, float]:
    """Requests submitted in `period` per district name (the figures' volume, from the
    rollups), for the city-wide readers this page is for."""
    by_id = breakdown(period, Scope(), "district")
    units = Unit.objects.filter(pk__in=[k for k in by_id if k])
    names: dict[int | str, str] = dict(units.values_list("pk", "name"))
    return {names[k]: f.submitted for k, f in by_id.items() if k in names and f.submitted}


@login_required
@replica_reads
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
    volumes = district_volumes(period)
    forecasts = forecasts_latest()
    by_category = forecasts.series.get("category", []) if forecasts else []
    context.update(
        snapshot=latest(),
        map=district_map(volumes),
        volumes=sorted(volumes.items(), key=lambda kv: -kv[1]),
        alerts=InsightAlert.objects.select_related("district")[:ALERTS_SHOWN],
        forecasts=forecasts,
        by_category=by_category,
        charts=[_chart(i, s) for i, s in enumerate(by_category)],
        by_district=forecasts.series.get("district", []) if forecasts else [],
    )
    return render(request, "insight/hotspots.html", context)


def _chart(index: int, series: dict) -> dict:
    """One category's forecast as the page's script draws it (`static/insight/forecast.js`)."""
    predictions, recent = series["predictions"], series["recent"][-4:]  # as in the table
    return {
        "id": f"chart-forecast-{index}",
        "name": series["name"],
        "weeks": [w for w, _ in recent] + [p["week"] for p in predictions],
        "recent": [n for _, n in recent],
        "mean": [round(p["mean"], 1) for p in predictions],
        "low": [round(p["low"], 1) for p in predictions],
        "width": [round(p["high"] - p["low"], 1) for p in predictions],
    }


def _shortcuts() -> list[tuple[str, records.Period]]:
    return [(label, records.shortcut(key)) for key, label in records.SHORTCUTS.items()]
