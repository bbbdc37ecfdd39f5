"""The exchange file neighbouring cities load for joint analysis (docs/open-data.md):
requests counted per week submitted × category × district, small cells withheld, with an
SM3 checksum over the canonical form of the cells so a loader can tell a complete file."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from django.conf import settings

from minxin.analytics.public import threshold
from minxin.cityevents.signing import sm3_hex
from minxin.core import clock
from minxin.opendata.records import FINISHED, requests_before, week_of
from minxin.tickets.models import Satisfaction

FORMAT = "minxin-exchange/1"
WEEKS = 52  # a year of complete weeks
COUNTS = ("submitted", "closed", "closed_on_time", "rated", "satisfied")
RATED = {Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED}
SATISFIED = {Satisfaction.SATISFIED, Satisfaction.BASIC}


def canonical(value: Any) -> bytes:
    """The bytes the checksum is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _tally(day: dt.date, first_week: dt.date) -> dict[tuple, dict[str, int]]:
    cells: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    rows = requests_before(day).values_list(
        "created_at",
        "category__name",
        "category__parent__name",
        "district__code",
        "district__name",
        "status",
        "closed_at",
        "due_at",
        "satisfaction",
    )
    for (
        created,
        category,
        parent,
        d_code,
        d_name,
        status,
        closed,
        due,
        satisfaction,
    ) in rows.iterator(chunk_size=2000):
        week = week_of(created)
        if week < first_week:
            continue
        top = parent or category or ""
        cell = cells[(week.isoformat(), top, category or "", d_code or "", d_name or "")]
        cell["submitted"] += 1
        if status in FINISHED and closed is not None:
            cell["closed"] += 1
            cell["closed_on_time"] += due is None or closed <= due
        cell["rated"] += satisfaction in RATED
        cell["satisfied"] += satisfaction in SATISFIED
    return cells


def exchange(day: dt.date) -> dict[str, Any]:
    """The complete weeks before DAY's week, `WEEKS` of them."""
    this_week = day - dt.timedelta(days=day.weekday())
    first_week = this_week - dt.timedelta(weeks=WEEKS)
    k = threshold()
    cells = []
    for key, counts in sorted(_tally(this_week, first_week).items()):
        week, top, category, d_code, d_name = key
        small = counts["submitted"] < k
        cells.append(
            {
                "week": week,
                "category_l1": top,
                "category": category,
                "district_code": d_code,
                "district": d_name,
                "suppressed": small,
                **{name: None if small else counts[name] for name in COUNTS},
            }
        )
    return {
        "format": FORMAT,
        "city": {"code": settings.CITY_CODE, "name": settings.CITY_NAME},
        "generated_at": clock.now().isoformat(),
        "weeks": {
            "first": first_week.isoformat(),
            "last": (this_week - dt.timedelta(weeks=1)).isoformat(),
        },
        "suppressed_below": k,
        "cells": cells,
        "checksum": {"algorithm": "sm3", "value": sm3_hex(canonical(cells))},
    }
