"""The API's one error shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from minxin.core.errors import DomainError


def error_body(code: str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": code, "message": message, "field": field}}


def _field_of(loc: list) -> str | None:
    parts = [
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header", "payload", "data", "form", "file")
    ]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.field), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(list(first.get("loc", [])))
        message = f"请求参数无效：{field}" if field else "请求参数无效"
        body = error_body("validation_error", message, field)
        body["error"]["details"] = [
            {"field": _field_of(list(e.get("loc", []))), "type": e.get("type", "")}
            for e in exc.errors[:20]
        ]
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_body("unauthenticated", "请先登录或提供有效的令牌"), status=401
        )

    @api.exception_handler(DataError)
    def bad_characters(request: HttpRequest, exc: DataError) -> HttpResponse:
        # E.g. a NUL byte, which PostgreSQL text cannot hold: the input's fault, not ours.
        return api.create_response(
            request,
            error_body("invalid_characters", "输入包含无法保存的字符，请检查后重试"),
            status=400,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, error_body("http_error", str(exc.message)), status=exc.status_code
        )
