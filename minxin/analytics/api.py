"""GET /api/v1/stats/summary: the public figures (docs/api.md, "Statistics").

Mounted in `minxin/api/api.py`: api.add_router("/stats", analytics.api.router)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from minxin.analytics.public import summary
from minxin.core.replica import replica_reads

router = Router(tags=["stats"])


class TypeCount(Schema):
    code: str
    name: str
    count: int | None = Field(..., description="null：少于阈值，不公开")


class CategoryCount(Schema):
    id: int
    name: str
    count: int | None


class SummaryOut(Schema):
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    total: int | None
    by_type: list[TypeCount]
    by_category: list[CategoryCount]
    closed: int | None
    on_time_rate: float | None
    satisfaction_rate: float | None
    avg_handling_workdays: float | None
    reopen_rate: float | None
    suppressed_below: int


@router.get("/summary", response={200: SummaryOut}, by_alias=True, auth=None)
@replica_reads
def stats_summary(request: HttpRequest) -> dict:
    """The city's figures for `from`..`to` (YYYY-MM-DD, both included; default this month),
    optionally narrowed by `type`, `category`, `district`, `channel`. Counts under
    `suppressed_below` are null."""
    return summary(request.GET)
