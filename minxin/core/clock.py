"""The one clock every deadline is measured against, so tests can move time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, city time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def freeze(moment: dt.datetime | None) -> None:
    """Pin the clock (tests and demo seeding only); None releases it."""
    global _frozen
    _frozen = moment
