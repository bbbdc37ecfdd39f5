"""Deadlines as moments: the end of the Nth working day after a start."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minxin.sla.calendar import add_workdays, workdays_between


def end_of_day(day: dt.date) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def due_after(start: dt.datetime, working_days: int) -> dt.datetime:
    return end_of_day(add_workdays(timezone.localdate(start), working_days))


def shift_due(due: dt.datetime, working_days: int) -> dt.datetime:
    """Move a deadline later by whole working days (extensions and pauses)."""
    return due_after(due, working_days) if working_days > 0 else due


def paused_workdays(paused_at: dt.datetime, resumed_at: dt.datetime) -> int:
    return max(0, workdays_between(timezone.localdate(paused_at), timezone.localdate(resumed_at)))
