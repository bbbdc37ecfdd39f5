"""What the timeline tells the rollups: "these days' figures changed". Called by
`tickets.timeline.record` for every step (the `tickets.hooks.step_recorded` hook, registered
in `AnalyticsConfig.ready`), so it depends on nothing but its own model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.utils import timezone

from minxin.analytics.models import RollupMark


class Stamped(Protocol):
    created_at: dt.datetime
    closed_at: dt.datetime | None


def touch(ticket: Stamped, at: dt.datetime) -> None:
    """Mark the days a step on TICKET at AT may change: its submission day, its closing
    day, and the step's own day (a co-handling opinion counts there)."""
    touch_many([ticket], at)


def touch_many(tickets: Iterable[Stamped], at: dt.datetime) -> None:
    """`touch` for a step on each of many requests at AT: each day marked once."""
    moments = [m for t in tickets for m in (t.created_at, t.closed_at)] + [at]
    days = {timezone.localdate(m) for m in moments if m is not None}
    RollupMark.objects.bulk_create([RollupMark(day=d) for d in sorted(days)])
