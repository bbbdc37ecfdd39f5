"""The daily rollups the dashboards read (docs/analytics.md).

Rows are derived data: `analytics.rollups` recomputes whole days from the requests, so a
row is never edited by hand and `minxin analytics rebuild` can always start again. The key
columns are plain ids (0 = none), so one unique index covers every key on every database.
"""

from __future__ import annotations

from django.db import models

KEY_FIELDS = ["request_type_id", "category_id", "district_id", "unit_id", "channel"]
# The dimensions the dashboards break figures down by (and a slice is cut by), with the key
# column of each.
SLICE_DIMENSIONS = {
    "type": "request_type_id",
    "category": "category_id",
    "district": "district_id",
    "unit": "unit_id",
    "channel": "channel",
}


class RollupKey(models.Model):
    day = models.DateField()
    request_type_id = models.IntegerField()
    category_id = models.IntegerField()  # the second-level category; 0 = not classified
    district_id = models.IntegerField()  # 0 = no district given
    unit_id = models.IntegerField()  # the unit the figure belongs to; 0 = none (centre)
    channel = models.CharField(max_length=10)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        keys = "/".join(str(getattr(self, name)) for name in KEY_FIELDS)
        return f"{self.day} {keys}"


class CountColumns(models.Model):
    """One period's counts. Which request lands on which day is defined in
    `analytics.figures` (submission day, closing day, day of a co-handling opinion)."""

    submitted = models.IntegerField(default=0)
    responded = models.IntegerField(default=0)
    response_minutes = models.BigIntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    handled = models.IntegerField(default=0)  # closed with a published reply
    handling_days = models.BigIntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    co_done = models.IntegerField(default=0)
    co_on_time = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Counts(RollupKey, CountColumns):
    """One period's counts for one key."""

    class Meta:
        abstract = True


class DailyRollup(Counts):
    """One day's counts for one key."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", *KEY_FIELDS], name="analytics_rollup_key")
        ]
        # A scope narrowed by a dimension reads its breakdowns from that value's rows
        # (`analytics.reads.breakdown`), not the whole period's.
        indexes = [
            models.Index(fields=[column, "day"], name=f"analytics_daily_{name}_idx")
            for name, column in SLICE_DIMENSIONS.items()
        ]


class MonthlyRollup(Counts):
    """One month's counts for one key (`day` is the month's first day): the daily rows of
    the month summed, rewritten with them (`analytics.rollups`), so that a long period reads
    a row a month and a key instead of a row a day."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", *KEY_FIELDS], name="analytics_monthly_key")
        ]
        indexes = [
            models.Index(fields=[column, "day"], name=f"analytics_monthly_{name}_idx")
            for name, column in SLICE_DIMENSIONS.items()
        ]


class HandlingColumns(models.Model):
    workdays = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        abstract = True


class Handling(RollupKey, HandlingColumns):
    class Meta:
        abstract = True


class HandlingCount(Handling):
    """How many requests closed that day took WORKDAYS working days: the distribution the
    90th percentile is read from."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", *KEY_FIELDS, "workdays"], name="analytics_handling_key"
            )
        ]


class MonthlyHandlingCount(Handling):
    """The same distribution per month (`day` is the month's first day)."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", *KEY_FIELDS, "workdays"], name="analytics_monthly_handling_key"
            )
        ]


class Slice(models.Model):
    """The rollups summed over every key but one (decision 0010): the whole city's
    (`dimension` ""), or one value of one dimension. About sixty rows a day or a month
    whatever the number of requests, rewritten in SQL from the rollups with them
    (`analytics.slices`)."""

    day = models.DateField()
    dimension = models.CharField(max_length=10)  # "" (every request) or a SLICE_DIMENSIONS key
    value = models.CharField(max_length=20)  # the key column's value as text; "" for ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class DailySlice(Slice, CountColumns):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="analytics_daily_slice_key"
            )
        ]


class MonthlySlice(Slice, CountColumns):
    """`day` is the month's first day."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="analytics_monthly_slice_key"
            )
        ]


class DailySliceHandling(Slice, HandlingColumns):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value", "workdays"],
                name="analytics_daily_slice_handling_key",
            )
        ]


class MonthlySliceHandling(Slice, HandlingColumns):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value", "workdays"],
                name="analytics_monthly_slice_handling_key",
            )
        ]


class RollupDay(models.Model):
    """A day whose rollups exist; its row is the lock two workers take before recomputing
    it, and says when it was last computed."""

    day = models.DateField(primary_key=True)
    computed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return str(self.day)


class RollupMark(models.Model):
    """A day whose figures a change of a request touched, written in the same transaction
    as the change (`analytics.marks.touch`) and cleared by the worker once recomputed.
    Append-only, with no unique key: writers never wait for one another here."""

    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return str(self.day)
