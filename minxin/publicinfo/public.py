"""What the public pages and API read: published cases, guides and notices, and their filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from minxin.core import clock
from minxin.org.models import Category, Unit
from minxin.publicinfo import search
from minxin.publicinfo.cases import published_cases
from minxin.publicinfo.models import Guide, Notice, TypicalCase

PAGE_SIZE = 20
MAX_PAGE = 50


@dataclass
class CasePage:
    rows: list[TypicalCase]
    number: int
    has_next: bool
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(raw: Any) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def case_page(
    *,
    q: str = "",
    category_id: int | None = None,
    district_id: int | None = None,
    unit_id: int | None = None,
    page: int = 1,
) -> CasePage:
    """Published cases, newest first, or best first for words Q; by category (its top level),
    district and unit."""
    start = (page - 1) * PAGE_SIZE
    filters = {"category_id": category_id, "district_id": district_id, "unit_id": unit_id}
    if q.strip():
        hits = search.search(q, kinds=["case"], filters=filters, limit=PAGE_SIZE + 1, offset=start)
        found = published_cases().in_bulk([h.entry.ref_id for h in hits])
        rows = [found[h.entry.ref_id] for h in hits if h.entry.ref_id in found]
    else:
        cases = published_cases()
        if category_id:
            cases = cases.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
        if district_id:
            cases = cases.filter(district_id=district_id)
        if unit_id:
            cases = cases.filter(unit_id=unit_id)
        rows = list(cases.order_by("-published_at", "-id")[start : start + PAGE_SIZE + 1])
    return CasePage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, filters)


def case_facets() -> dict[str, list[tuple[int, str]]]:
    """The choices of the filter form: top categories, districts, units with a published case."""
    unit_ids = published_cases().values("unit_id")
    return {
        "categories": list(
            Category.objects.filter(parent__isnull=True, is_active=True).values_list("pk", "name")
        ),
        "districts": list(
            Unit.objects.filter(kind=Unit.Kind.DISTRICT, is_active=True).values_list("pk", "name")
        ),
        "units": list(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")),
    }


def published_guides() -> QuerySet[Guide]:
    return Guide.objects.filter(published=True).select_related("unit", "category")


def current_notices() -> QuerySet[Notice]:
    """Published notices not yet over: ongoing and coming ones."""
    now = clock.now()
    return (
        Notice.objects.filter(published=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=now))
        .select_related("unit", "district")
        .order_by("valid_from", "id")
    )
