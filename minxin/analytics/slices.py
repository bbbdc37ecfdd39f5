"""Writing the slices (`analytics.models.Slice`): the rollups summed over every key but one,
so that the whole city's figures, its breakdowns and a figure narrowed by one dimension read
about sixty rows a day or a month instead of every key's (decision 0010).

The daily slices are summed from the daily rollups of the same days, the monthly ones from
the daily slices of the month, in SQL, by the code path that writes the rollups
(`analytics.rollups.recompute` and `sum_months`, under the same locks): a slice is never
out of step with the rollups it sums.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from minxin.analytics.figures import COUNTS
from minxin.analytics.models import (
    SLICE_DIMENSIONS,
    DailyRollup,
    DailySlice,
    DailySliceHandling,
    HandlingCount,
    MonthlySlice,
    MonthlySliceHandling,
)

# (dimension, the SQL of its value as text); "" is every request.
CUTS: list[tuple[str, str]] = [
    ("", "''"),
    *[(name, f"CAST({column} AS VARCHAR(20))") for name, column in SLICE_DIMENSIONS.items()],
]
GROUP_BY = {"": "", **{name: f", {column}" for name, column in SLICE_DIMENSIONS.items()}}


def _run(sql: str, params: list[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def write_days(first: dt.date, last: dt.date) -> int:
    """Rewrite the daily slices of FIRST..LAST from the daily rollups (one statement per
    dimension and table); returns the number of count rows written."""
    span = [first.isoformat(), last.isoformat()]
    DailySlice.objects.filter(day__range=(first, last)).delete()
    DailySliceHandling.objects.filter(day__range=(first, last)).delete()
    counts = ", ".join(COUNTS)
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    written = 0
    for dimension, value in CUTS:
        where = "WHERE day >= %s AND day <= %s"
        written += _run(
            f"INSERT INTO {DailySlice._meta.db_table} (day, dimension, value, {counts}) "
            f"SELECT day, %s, {value}, {sums} FROM {DailyRollup._meta.db_table} "
            f"{where} GROUP BY day{GROUP_BY[dimension]}",
            [dimension, *span],
        )
        _run(
            f"INSERT INTO {DailySliceHandling._meta.db_table} "
            "(day, dimension, value, workdays, count) "
            f"SELECT day, %s, {value}, workdays, SUM(count) FROM {HandlingCount._meta.db_table} "
            f"{where} GROUP BY day{GROUP_BY[dimension]}, workdays",
            [dimension, *span],
        )
    return written


def write_month(month: dt.date, last: dt.date) -> int:
    """Rewrite the monthly slices of MONTH (its first day; LAST its last) from its daily
    slices; returns the number of count rows written."""
    MonthlySlice.objects.filter(day=month).delete()
    MonthlySliceHandling.objects.filter(day=month).delete()
    params = [month.isoformat(), month.isoformat(), last.isoformat()]
    counts = ", ".join(COUNTS)
    sums = ", ".join(f"SUM({c})" for c in COUNTS)
    where = "WHERE day >= %s AND day <= %s"
    _run(
        f"INSERT INTO {MonthlySliceHandling._meta.db_table} "
        "(day, dimension, value, workdays, count) "
        f"SELECT %s, dimension, value, workdays, SUM(count) "
        f"FROM {DailySliceHandling._meta.db_table} {where} GROUP BY dimension, value, workdays",
        params,
    )
    return _run(
        f"INSERT INTO {MonthlySlice._meta.db_table} (day, dimension, value, {counts}) "
        f"SELECT %s, dimension, value, {sums} FROM {DailySlice._meta.db_table} "
        f"{where} GROUP BY dimension, value",
        params,
    )
