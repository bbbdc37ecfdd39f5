"""Search and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from minxin.accounts.http import StaffRequest
from minxin.workbench.export import attachment, tickets_xlsx
from minxin.workbench.search import SearchForm, search_page, search_tickets


@login_required
def search(request: StaffRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, user=request.user)
    page = None
    if form.is_bound and form.is_valid():
        page = search_page(request.user, form.cleaned_data, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workbench/search.html",
        {"nav": "search", "form": form, "page": page, "query": query.urlencode()},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def export(request: StaffRequest) -> HttpResponseBase:
    form = SearchForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "workbench/search.html", {"nav": "search", "form": form}, status=400)
    workbook = tickets_xlsx(search_tickets(request.user, form.cleaned_data))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(workbook, f"minxin-requests-{stamp}.xlsx")
