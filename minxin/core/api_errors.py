"""The API's one error shape, `{"error": {"code", "message", "field"}}`: what every app's
endpoints declare for their `DomainError`s (`minxin.api.errors` renders them)."""

from __future__ import annotations

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail
