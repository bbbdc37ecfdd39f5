"""Refuse form and query input with NUL bytes up front: PostgreSQL text cannot store them,
and no honest form ever sends one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict

MESSAGE = "输入包含无效字符（NUL），请检查后重试"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulBytes:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type in FORM_TYPES
                and _has_nul(request.POST)
            )
        ):
            if request.path.startswith("/api/"):  # the API's one error shape
                return JsonResponse(
                    {"error": {"code": "invalid_characters", "field": None, "message": MESSAGE}},
                    status=400,
                )
            return HttpResponseBadRequest(
                MESSAGE.encode(), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())
