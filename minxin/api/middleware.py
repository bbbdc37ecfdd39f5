"""The JSON API takes JSON bodies only (415 otherwise).

A browser sends `text/plain`, `application/x-www-form-urlencoded` and `multipart/form-data`
across sites without asking first (no CORS preflight), so a third-party page could make a
visitor's browser submit requests or ask for SMS codes. `application/json` always needs a
preflight, which we never grant (no CORS headers are sent: closed by default). The photo
upload stays multipart: it also needs the request's query password or a citizen token.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MULTIPART_PATHS = [re.compile(r"^/api/v1/requests/[^/]+/photos$")]
MESSAGE = "请求体须为 JSON（Content-Type: application/json）"


def _has_body(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 1
    return length > 0 or "HTTP_TRANSFER_ENCODING" in request.META


def body_type_allowed(request: HttpRequest) -> bool:
    if not request.path.startswith(API_PREFIX) or request.method not in BODY_METHODS:
        return True
    if not _has_body(request):
        return True  # nothing to parse: bodiless actions (archive, close-unrated)
    kind = (request.content_type or "").lower()
    if kind == "application/json":
        return True
    return kind == "multipart/form-data" and any(p.match(request.path) for p in MULTIPART_PATHS)


class JsonBodyOnly:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not body_type_allowed(request):
            return JsonResponse(
                {"error": {"code": "unsupported_media_type", "field": None, "message": MESSAGE}},
                status=415,
            )
        return self.get_response(request)
