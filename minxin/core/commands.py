"""What management commands share."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError


def optional_date(raw: str | None) -> dt.date | None:
    """A `--from`/`--to` option: None when not given, else the day it names."""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {raw}") from None
