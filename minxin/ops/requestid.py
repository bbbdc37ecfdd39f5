"""A request id on every request: taken from `X-Request-ID` when a proxy set a sane one,
else made here; returned in the response header and written on every log line of the
request (`request_id`), so one request can be followed across app, proxy and logs."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from minxin.ops import metrics

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")
access = logging.getLogger("minxin.access")


def current() -> str:
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (`-` outside a request, e.g. in the worker)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True


class RequestId:
    """Outermost middleware: sets the id, times the request, logs one access line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            route = _route(request)
            metrics.observe_request(request.method or "", route, response.status_code, elapsed)
            response["X-Request-ID"] = request_id
            access.info(
                "%s %s %s %.1fms",
                request.method,
                route,
                response.status_code,
                elapsed * 1000,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            return response
        finally:
            _current.reset(token)


def _route(request: HttpRequest) -> str:
    """The URL pattern, not the path: ids and tracking codes stay out of labels and logs."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "?")
