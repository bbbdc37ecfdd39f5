"""The insight panels on the leaders' dashboard (`analytics.panels`): the hottest topics and
the latest warnings, next week's demand, and the 红黑榜. Each links to its full page."""

from __future__ import annotations

from typing import Any

from minxin.insight.demand import forecasts_latest
from minxin.insight.hotspots import latest
from minxin.insight.models import InsightAlert, Ranking
from minxin.insight.views import may_read_insight

SHOWN = 5


def hotspots_panel(user: Any, query: Any) -> dict[str, Any] | None:
    if not may_read_insight(user):
        return None
    snapshot = latest()
    return {
        "snapshot": snapshot,
        "topics": snapshot.topics[:SHOWN] if snapshot else [],
        "alerts": list(InsightAlert.objects.select_related("district")[:SHOWN]),
    }


def forecast_panel(user: Any, query: Any) -> dict[str, Any] | None:
    if not may_read_insight(user):
        return None
    forecasts = forecasts_latest()
    return {"forecasts": forecasts, "series": forecasts.series["category"] if forecasts else []}


def ranking_panel(user: Any, query: Any) -> dict[str, Any] | None:
    if not may_read_insight(user):
        return None
    ranking = Ranking.objects.first()
    rows = list(ranking.rows.select_related("unit").exclude(listed="")) if ranking else []
    return {
        "ranking": ranking,
        "red": [r for r in rows if r.listed == "red"],
        "black": [r for r in rows if r.listed == "black"],
    }


def register_panels() -> None:
    from minxin.analytics.panels import Panel, register

    register(Panel("hotspots", "insight/_panel_hotspots.html", hotspots_panel, "民生热点", 20))
    register(Panel("forecast", "insight/_panel_forecast.html", forecast_panel, "需求预测", 30))
    register(Panel("ranking", "insight/_panel_ranking.html", ranking_panel, "红黑榜", 40))
