"""Open311 GeoReport v2 at /open311/v2/: parse, call one service or read, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from minxin.core.errors import DomainError, PermissionDenied
from minxin.identity.services import citizen_token_phone
from minxin.open311 import catalog, keys, reads, render
from minxin.open311.models import Client
from minxin.open311.services import open311_submit
from minxin.tickets.display import deadline_text

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"  # when this endpoint's behaviour last changed

View = Callable[..., HttpResponse]


def open311_view(*methods: str) -> Callable[[View], View]:
    """Answer domain errors and wrong methods in the spec's error format of the URL's format."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, *args: str, fmt: str | None = None, **kwargs: str
        ) -> HttpResponse:
            fmt = fmt or "json"
            if request.method not in methods:
                response = render.error(fmt, 405, f"不支持 {request.method} 方法")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except DomainError as exc:
                return render.domain_error(fmt, exc)

        return csrf_exempt(wrapper)  # clients prove themselves with api_key, not a cookie

    return decorate


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    endpoint = {
        "specification": SPECIFICATION,
        "url": request.build_absolute_uri("/open311/v2"),
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    return render.respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": "市民诉求受理中心",
            "key_service": "api_key 由平台管理员发放（minxin open311-key create）",
            "endpoints": [endpoint],
        },
    )


@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render.respond(fmt, "services", catalog.service_list())


@open311_view("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = catalog.service_for_code(code)
    return render.respond(fmt, "service_definition", catalog.definition(category))


@open311_view("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, fmt)
    viewer = _viewer(request)
    page = reads.filed_page(request.GET.dict())
    rows = [reads.request_out(row, viewer=viewer) for row in page.rows]
    response = render.respond(fmt, "service_requests", rows)
    response["X-Total-Count"] = str(page.total)
    response["X-Page"], response["X-Page-Size"] = str(page.page), str(page.page_size)
    return response


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    client = keys.client_for_key(request.POST.get("api_key") or request.GET.get("api_key"))
    filed = open311_submit(client=client, form=dict(request.POST.lists()), phone=_phone(request))
    ticket = filed.record.ticket
    answer = {
        "service_request_id": str(ticket.pk),
        "token": filed.record.token,
        "service_notice": deadline_text(ticket),
        "account_id": None,
        # Minxin's extensions: how the citizen follows the request on Minxin itself.
        "tracking_code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "query_password": filed.query_password,
        "expected_datetime": reads.w3c(ticket.due_at),
    }
    return render.respond(fmt, "service_requests", [answer], status=200 if filed.replayed else 201)


@open311_view("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    viewer = _viewer(request)
    row = reads.filed_one(request_id)
    return render.respond(fmt, "service_requests", [reads.request_out(row, viewer=viewer)])


@open311_view("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    row = reads.filed_by_token(token)
    answer = {"service_request_id": str(row.ticket_id), "token": row.token}
    return render.respond(fmt, "service_requests", [answer])


@open311_view("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, fmt: str) -> HttpResponse:
    return render.error(fmt, 404, "没有这个接口（no such endpoint）")


def _viewer(request: HttpRequest) -> Client | None:
    """The client asking, if it sent its key; a wrong or revoked key is refused, not ignored."""
    raw = request.GET.get("api_key")
    return keys.client_for_key(raw) if raw is not None else None


def _phone(request: HttpRequest) -> str | None:
    """The phone the citizen verified with Minxin, from their citizen token (X-Citizen-Token)."""
    token = request.headers.get("X-Citizen-Token", "").strip()
    if not token:
        return None
    phone = citizen_token_phone(token)
    if phone is None:
        raise PermissionDenied("X-Citizen-Token 无效或已过期", code="bad_citizen_token")
    return phone
