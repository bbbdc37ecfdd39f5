"""The public statistics page (/stats/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from minxin.analytics.public import summary, threshold
from minxin.analytics.tables import decimal, percent
from minxin.core.errors import ValidationFailed
from minxin.core.replica import replica_reads
from minxin.org.models import Unit


def _shown(value: Any, kind: str = "count") -> str:
    if value is None:
        return f"少于{threshold()}件，不公开" if kind == "count" else "—（样本不足）"
    if kind == "rate":
        return percent(value)
    return decimal(value) if kind == "days" else str(value)


def _chart(key: str, title: str, rows: list[dict]) -> dict[str, Any]:
    return {
        "id": f"chart-{key}",
        "table": f"table-{key}",
        "title": title,
        "kind": "bar",
        "categories": [r["name"] for r in rows],
        "series": [{"name": "受理量", "data": [r["count"] for r in rows]}],
    }


@replica_reads
def stats(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "threshold": threshold(),
        "districts": Unit.objects.filter(kind=Unit.Kind.DISTRICT),
    }
    try:
        s = summary(request.GET)
    except ValidationFailed as exc:
        context["error"] = exc
        return render(request, "analytics/stats.html", context, status=400)
    shown = {
        "total": _shown(s["total"]),
        "closed": _shown(s["closed"]),
        "on_time_rate": _shown(s["on_time_rate"], "rate"),
        "satisfaction_rate": _shown(s["satisfaction_rate"], "rate"),
        "avg_handling_workdays": _shown(s["avg_handling_workdays"], "days"),
        "reopen_rate": _shown(s["reopen_rate"], "rate"),
    }
    context.update(
        s=s,
        shown=shown,
        text=f"期间受理诉求{shown['total']}，办结{shown['closed']}，按期办结率{shown['on_time_rate']}，"
        f"满意率{shown['satisfaction_rate']}。",
        rows_type=[(r["name"], _shown(r["count"])) for r in s["by_type"]],
        rows_category=[(r["name"], _shown(r["count"])) for r in s["by_category"]],
        charts=[
            _chart("types", "按类型", s["by_type"]),
            _chart("categories", "按分类（一级）", s["by_category"]),
        ],
    )
    return render(request, "analytics/stats.html", context)
