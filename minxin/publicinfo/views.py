"""Public pages: the case library, guides, notices and the one search. No login."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from minxin.core.errors import NotFound
from minxin.publicinfo import cases, public

QUERY_CHARS = 100


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


def case_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:QUERY_CHARS]
    filters = {
        "category_id": int_param(request, "category"),
        "district_id": int_param(request, "district"),
        "unit_id": int_param(request, "unit"),
    }
    page = public.case_page(q=q, page=public.page_number(request.GET.get("page")), **filters)
    context: dict[str, Any] = {
        "q": q,
        "page": page,
        "facets": public.case_facets(),
        "chosen": filters,
        "query": _query(request),
    }
    return render(request, "publicinfo/case_list.html", context)


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        case = cases.case_public(case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "publicinfo/case_detail.html", {"case": case})


def _query(request: HttpRequest) -> str:
    """The list's query string without its page, for the pager's links."""
    pairs: list[tuple[str, str]] = [
        (k, str(v)) for k, v in request.GET.items() if k != "page" and v
    ]
    return urlencode(pairs)
