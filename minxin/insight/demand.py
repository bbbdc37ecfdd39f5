"""The dashboard's demand forecasts: weekly volume per first-level category and per district
over the last two years of requests, and the next HORIZON weeks with an 80% interval;
computed by the worker each night and stored (`DemandForecast`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from minxin.core import clock
from minxin.insight.forecast import Prediction, forecast, monday
from minxin.insight.models import DemandForecast
from minxin.tickets.models import Ticket

HISTORY_WEEKS = 2 * 52 + 1
HORIZON = 4
SHOWN_WEEKS = 12
UNKNOWN = "未分类"
BY = ("category", "district")


@dataclass(frozen=True)
class Series:
    name: str
    weeks: list[dt.date]
    counts: list[int]
    predictions: list[Prediction]

    @property
    def recent(self) -> list[tuple[dt.date, int]]:
        return list(zip(self.weeks[-SHOWN_WEEKS:], self.counts[-SHOWN_WEEKS:], strict=True))


def demand_forecasts(tickets: QuerySet[Ticket], *, by: str) -> list[Series]:
    """`tickets` (already scoped to the reader) per week and per `by` ("category": the
    first-level category; "district"), biggest first, each with its forecast."""
    end = monday(clock.today())  # this week is not over: history stops before it
    start = end - dt.timedelta(weeks=HISTORY_WEEKS)
    group = (
        Coalesce("category__parent__name", "category__name")
        if by == "category"
        else F("district__name")
    )
    rows = (
        tickets.filter(created_at__date__gte=start, created_at__date__lt=end)
        .annotate(day=TruncDate("created_at"), group=group)
        .values_list("day", "group")
        .annotate(n=Count("id"))
        .order_by()
    )
    weeks = [start + dt.timedelta(weeks=i) for i in range(HISTORY_WEEKS)]
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(HISTORY_WEEKS))
    for day, name, n in rows:
        counts[name or UNKNOWN][(monday(day) - start).days // 7] += n
    series = []
    for name, y in sorted(counts.items(), key=lambda kv: -kv[1].sum()):
        active = int(np.argmax(y > 0))  # from its first request on
        own = y[active:]
        predictions = forecast(own, weeks[active:], horizon=HORIZON)
        series.append(Series(name, weeks[active:], [int(c) for c in own], predictions))
    return series


KEEP = 14


def _plain(series: Series) -> dict:
    return {
        "name": series.name,
        "recent": [[week.isoformat(), n] for week, n in series.recent],
        "predictions": [
            {"week": p.week.isoformat(), "mean": p.mean, "low": p.low, "high": p.high}
            for p in series.predictions
        ],
    }


def forecasts_store() -> DemandForecast:
    """Every request's weekly series and forecasts, kept for the dashboard (the worker, each
    night: the pages never aggregate two years of requests while someone waits)."""
    tickets = Ticket.objects.all()
    stored = DemandForecast.objects.create(
        computed_at=clock.now(),
        series={by: [_plain(s) for s in demand_forecasts(tickets, by=by)] for by in BY},
    )
    old = DemandForecast.objects.values_list("pk", flat=True)[KEEP:]
    DemandForecast.objects.filter(pk__in=list(old)).delete()
    return stored


def forecasts_latest() -> DemandForecast | None:
    return DemandForecast.objects.first()
