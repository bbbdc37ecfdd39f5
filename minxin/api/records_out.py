"""The shape of a unit's record (考核记录) in the API; figures as `supervision.records`
defines them, rates as fractions or null."""

from __future__ import annotations

from ninja import Field, Schema


class RecordOrdersOut(Schema):
    by_reason: dict[str, int]
    by_outcome: dict[str, int]
    escalated: int


class RecordOversightOut(Schema):
    evaluations: int
    poor: int


class UnitRecordOut(Schema):
    unit: str
    period: dict[str, str] = Field(
        ..., description='the first and last day: {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}'
    )
    led: int
    co_handled: int
    closed: int
    on_time: int
    on_time_rate: float | None
    ratings: dict[str, int] = Field(..., description="count per satisfaction value")
    rated: int
    rates: dict[str, float | None] = Field(..., description="share per rated satisfaction")
    reopens: int
    reopen_rate: float | None
    returns: int
    overdue: int
    orders_opened: int
    orders_closed: int
    supervision: RecordOrdersOut
    oversight: RecordOversightOut
