"""The API's one error shape: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

from minxin.core.errors import DomainError


@dataclass(frozen=True)
class Limit:
    """A free text's limit, said as the pages say it: `note: Annotated[str, Limit("办结说明",
    1000)]` refuses a longer one with 422 `too_long` "办结说明不能超过1000字"; the schema
    still shows `maxLength`."""

    label: str
    max_length: int

    def check(self, value: str) -> str:
        if len(value) > self.max_length:
            raise PydanticCustomError(
                "too_long",
                "{label}不能超过{max_length}字",
                {"label": self.label, "max_length": self.max_length},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {**handler(schema), "maxLength": self.max_length}


def _message(error: dict[str, Any], field: str | None) -> tuple[str, str]:
    """(code, message) of the first thing wrong with the input."""
    if error.get("type") == "too_long":  # a Limit: its own words
        return "too_long", str(error["msg"])
    if error.get("type") == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return "too_long", f"{field or '输入'}不能超过{limit}字"
    return "validation_error", f"请求参数无效：{field}" if field else "请求参数无效"


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
        body = error_body(*_message(first, field), field)
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
