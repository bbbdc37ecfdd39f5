"""Deadlines as moments: the end of the Nth working day after a start."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from minxin.sla.calendar import WorkCalendar, add_workdays, workdays_between


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


def office_hours() -> tuple[dt.time, dt.time]:
    start, end = settings.OFFICE_HOURS.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def due_after_working_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """The moment `hours` of office time on working days have passed since `start`."""
    open_at, close_at = office_hours()
    local = timezone.localtime(start)
    day, remaining = local.date(), dt.timedelta(hours=hours)
    calendar = WorkCalendar({day.year, day.year + 1})
    tz = local.tzinfo
    for _ in range(3660):
        if calendar.is_workday(day):
            begin = dt.datetime.combine(day, open_at, tz)
            if day == local.date():
                begin = max(begin, local)
            end = dt.datetime.combine(day, close_at, tz)
            if end > begin:
                if end - begin >= remaining:
                    return begin + remaining
                remaining -= end - begin
        day += dt.timedelta(days=1)
    raise ValueError("span too long")
