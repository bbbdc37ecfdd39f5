"""What the timeline tells the rollups: "these days' figures changed". Called by
`tickets.timeline.record` for every step (the `tickets.hooks.step_recorded` hook, registered
in `AnalyticsConfig.ready`), so it depends on nothing but its own model."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils import timezone

from minxin.analytics.models import RollupMark


class Stamped(Protocol):
    created_at: dt.datetime
    closed_at: dt.datetime | None


def touch(ticket: Stamped, at: dt.datetime) -> None:
    """Mark the days a step on TICKET at AT may change: its submission day, its closing
    day, and the step's own day (a co-handling opinion counts there)."""
    moments = [ticket.created_at, ticket.closed_at, at]
    days = {timezone.localdate(m) for m in moments if m is not None}
    RollupMark.objects.bulk_create([RollupMark(day=d) for d in sorted(days)])
