"""The shape of a unit's record (考核记录) in the API; figures as `supervision.records`
defines them, rates as fractions or null.

Two maps are TypedDicts rather than schemas: the period's keys are `from` and `to` (`from`
cannot name a class attribute), and the order counts name only the reasons and outcomes
that occurred. Both are declared objects in the OpenAPI document all the same."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from typing_extensions import TypedDict  # pydantic reads only this TypedDict before 3.12

PeriodOut = TypedDict("PeriodOut", {"from": dt.date, "to": dt.date})


class OrdersByReasonOut(TypedDict, total=False):
    """Orders opened in the period per reason (`SupervisionOrder.Reason`); absent is none."""

    overdue: int
    unsatisfied: int
    manual: int


class OrdersByOutcomeOut(TypedDict, total=False):
    """Orders opened in the period and closed, per outcome (`SupervisionOrder.Outcome`)."""

    resolved: int
    unresolved: int


class RatingsOut(Schema):
    """Ratings given in the period per satisfaction value (`tickets.Satisfaction`)."""

    satisfied: int
    basic: int
    unsatisfied: int
    not_rated: int


class RatesOut(Schema):
    """Each rated satisfaction value's share of the rated requests; null when none."""

    satisfied: float | None
    basic: float | None
    unsatisfied: float | None


class RecordOrdersOut(Schema):
    by_reason: OrdersByReasonOut
    by_outcome: OrdersByOutcomeOut
    escalated: int


class RecordOversightOut(Schema):
    evaluations: int
    poor: int


class UnitRecordOut(Schema):
    unit: str
    period: PeriodOut = Field(..., description="the first and last day, both included")
    led: int
    co_handled: int
    closed: int
    on_time: int
    on_time_rate: float | None
    ratings: RatingsOut = Field(..., description="count per satisfaction value")
    rated: int
    rates: RatesOut = Field(..., description="share per rated satisfaction")
    reopens: int
    reopen_rate: float | None
    returns: int
    overdue: int
    orders_opened: int
    orders_closed: int
    supervision: RecordOrdersOut
    oversight: RecordOversightOut
