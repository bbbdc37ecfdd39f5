"""Chinese working days: statutory holidays and 调休 weekends.

Sources, strongest first: the editable `Holiday` table, the `chinesecalendar` package,
and for a year neither covers, plain Monday to Friday (logged and shown to admins).
Every deadline in Minxin is counted by this module and nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Iterable

import chinese_calendar
from django.core.cache import cache
from django.db import IntegrityError, transaction

from minxin.core.process_cache import ProcessCache
from minxin.sla.models import CalendarFallback, Holiday, HolidayYear

logger = logging.getLogger(__name__)
_reported_fallbacks: set[int] = set()
_MAX_SPAN_DAYS = 3660


@functools.cache
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """A snapshot of the holiday table for the years one computation touches.

    Each process keeps the table per year, keyed by a generation token that every edit of
    the table replaces (`holidays_changed`), so a deadline computation costs one cache read
    instead of two queries, and an administrator's edit counts everywhere at once."""

    def __init__(self, years: Iterable[int]) -> None:
        self.overrides: dict[dt.date, bool] = {}
        self.admin_years: set[int] = set()
        self.loaded: set[int] = set()
        self.fallback_years: set[int] = set()
        self.generation = _generation()
        self._load(set(years))

    def _load(self, years: set[int]) -> None:
        for year in years - self.loaded:
            overrides, complete = _tables.get((self.generation, year))
            self.overrides.update(overrides)
            if complete:
                self.admin_years.add(year)
            self.loaded.add(year)

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.loaded:
            self._load({day.year})
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.admin_years:
            return day.weekday() < 5
        if _package_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self.fallback_years:
            self.fallback_years.add(day.year)
            _report_fallback(day.year)
        return day.weekday() < 5


_GENERATION_KEY = "minxin:holidays:generation"


def _generation() -> str:
    token = cache.get(_GENERATION_KEY)
    if token is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(_GENERATION_KEY) or "none"
    return token


def holidays_changed() -> None:
    """Called whenever the holiday table changes: every process reloads it."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


def _load_year(key: tuple[str, int], _previous: object) -> tuple[dict[dt.date, bool], bool]:
    year = key[1]
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = Holiday.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    complete = HolidayYear.objects.filter(year=year, complete=True).exists()
    return dict(rows), complete


# The holiday table per (generation, year): a new generation is a new key, so no entry ages.
_tables: ProcessCache[tuple[str, int], tuple[dict[dt.date, bool], bool]] = ProcessCache(
    "holiday table", _load_year, ttl=float("inf"), max_entries=256
)


def _report_fallback(year: int) -> None:
    """Log once per process; make sure administrators see it (one read when already known)."""
    if year not in _reported_fallbacks:
        _reported_fallbacks.add(year)
        logger.warning("No holiday data for %s: counting working days as Monday to Friday", year)
    if CalendarFallback.objects.filter(year=year).exists():
        return
    try:
        with transaction.atomic():
            CalendarFallback.objects.create(year=year)
    except IntegrityError:  # another process recorded it first
        pass


def year_has_data(year: int) -> bool:
    return _package_knows(year) or HolidayYear.objects.filter(year=year, complete=True).exists()


def is_workday(day: dt.date) -> bool:
    return WorkCalendar({day.year}).is_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The date that is `n` working days after `start` (start itself not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    calendar = WorkCalendar({start.year, start.year + 1})
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if (day - start).days > _MAX_SPAN_DAYS:
            raise ValueError("span too long")
        if calendar.is_workday(day):
            counted += 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    if (end - start).days > _MAX_SPAN_DAYS:
        raise ValueError("span too long")
    calendar = WorkCalendar(range(start.year, end.year + 1))
    return sum(
        calendar.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


def missing_years() -> list[int]:
    return list(CalendarFallback.objects.order_by("year").values_list("year", flat=True))
