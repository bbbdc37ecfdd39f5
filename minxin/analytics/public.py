"""Public figures (/stats/ and GET /api/v1/stats/summary): the city's aggregates only, and
never a count small enough to point at a person. A count below ANALYTICS_PUBLIC_MIN_COUNT
(default 5) is withheld (None; "少于5件" on the page), and so is a rate over fewer requests
than that; the total is withheld the same way (docs/analytics.md, "Public figures")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from minxin.analytics import reads
from minxin.analytics.params import Query, parse
from minxin.analytics.tables import labels
from minxin.org.models import Category, RequestType


def threshold() -> int:
    return settings.ANALYTICS_PUBLIC_MIN_COUNT


def _count(n: int) -> int | None:
    return n if n >= threshold() else None


def _rate(share: float | None, whole: int) -> float | None:
    if share is None or whole < threshold():
        return None
    return round(share, 4)


def _days(value: float | None, whole: int) -> float | None:
    return None if value is None or whole < threshold() else round(value, 2)


def summary(params: Mapping[str, str]) -> dict[str, Any]:
    """The public summary for the period and filters in PARAMS (ValidationFailed on bad
    input: `analytics.params`)."""
    query: Query = parse(params)
    found = reads.period_figures(query.period, query.scope)
    handled = found.handled
    by_type = reads.breakdown(query.period, query.scope, "type")
    by_category: dict[int, int] = {}
    tops = dict(Category.objects.values_list("pk", "parent_id"))
    for leaf, figures in reads.breakdown(query.period, query.scope, "category").items():
        if leaf:
            top = tops.get(int(leaf)) or int(leaf)
            by_category[top] = by_category.get(top, 0) + figures.submitted
    type_names = dict(RequestType.objects.values_list("pk", "name"))
    type_codes = dict(RequestType.objects.values_list("pk", "code"))
    category_names = labels("category")
    return {
        "from": query.period.first,
        "to": query.period.last,
        "total": _count(found.submitted),
        "by_type": [
            {
                "code": type_codes.get(int(k), ""),
                "name": type_names.get(int(k), ""),
                "count": _count(f.submitted),
            }
            for k, f in sorted(by_type.items(), key=lambda kv: -kv[1].submitted)
        ],
        "by_category": [
            {"id": k, "name": category_names.get(k, ""), "count": _count(n)}
            for k, n in sorted(by_category.items(), key=lambda kv: -kv[1])
        ],
        "closed": _count(found.closed),
        "on_time_rate": _rate(found.on_time_rate, found.closed),
        "satisfaction_rate": _rate(found.satisfaction_rate, found.rated),
        "avg_handling_workdays": _days(found.avg_handling_workdays, handled),
        "reopen_rate": _rate(found.reopen_rate, found.closed),
        "suppressed_below": threshold(),
    }
