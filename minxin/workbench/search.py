"""Search over the requests a staff member may see, built for a city's whole history:
every filter uses an indexed column where it can, counts stop at a cap, pages are bounded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.db.models import Q, QuerySet

from minxin.accounts.models import User
from minxin.core import clock
from minxin.org.models import Category, RequestType, Unit
from minxin.tickets import selectors, textsearch
from minxin.tickets.codes import normalise
from minxin.tickets.models import Status, Ticket
from minxin.workbench.queues import RUNNING, capped_count

PAGE_SIZE = 50
MAX_PAGES = 200  # deep offsets are slow and nobody reads page 500: narrow the filters
COUNT_CAP = 10_000
# A text search cannot count from an index: stop counting early ("500+").
TEXT_COUNT_CAP = 500

Row = TypeVar("Row")
Other = TypeVar("Other")


class SearchForm(forms.Form):
    code = forms.CharField(label="查询码", required=False, max_length=20)
    q = forms.CharField(label="标题或内容包含", required=False, max_length=50)
    status = forms.MultipleChoiceField(
        label="状态", required=False, choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    type = forms.ModelChoiceField(
        label="类型",
        required=False,
        empty_label="全部",
        queryset=RequestType.objects.all(),
        to_field_name="code",
    )
    category = forms.ModelChoiceField(
        label="分类",
        required=False,
        empty_label="全部",
        queryset=Category.objects.select_related("parent"),
    )
    unit = forms.ModelChoiceField(
        label="主办单位（含下级）", required=False, empty_label="全部", queryset=Unit.objects.none()
    )
    district = forms.ModelChoiceField(
        label="区县",
        required=False,
        empty_label="全部",
        queryset=Unit.objects.filter(kind=Unit.Kind.DISTRICT),
    )
    date_from = forms.DateField(
        label="提交日期从", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label="仅看超期", required=False)

    def __init__(self, data: Any = None, *, user: User) -> None:
        super().__init__(data)
        units = Unit.objects.exclude(kind=Unit.Kind.CENTRE).order_by("kind", "pk")
        if not user.is_citywide and user.unit is not None:
            # A unit's staff can only ever find their own subtree; offer only that.
            units = units.filter(path__startswith=user.unit.path)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


def _code_filter(raw: str) -> Q:
    code = normalise(raw)
    if code:
        return Q(tracking_code=code)
    # A partial code: a range, so the unique index on tracking_code serves it on every
    # database (SQLite's LIKE 'X%' cannot use it).
    prefix = "".join(raw.split()).replace("-", "").upper()
    if not prefix:
        return Q()
    return Q(tracking_code__gte=prefix, tracking_code__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def search_tickets(user: User, data: dict[str, Any], *, counting: bool = False) -> QuerySet[Ticket]:
    """The requests matching the search form's DATA, newest first. COUNTING: the query will
    only be counted, which a text search plans differently (`textsearch.indexed`)."""
    tickets = selectors.tickets_visible_to(user)
    if data.get("code"):
        tickets = tickets.filter(_code_filter(data["code"]))
    if data.get("q"):
        tickets = tickets.filter(textsearch.contains(data["q"], walk=not counting))
    if data.get("status"):
        tickets = tickets.filter(status__in=data["status"])
    # Category names print as "parent/child": fetch the parent in the same query.
    return (
        _refine(tickets, data)
        .select_related("category__parent")
        .defer(*selectors.LIST_DEFERRED)
        .order_by("-created_at", "-id")
    )


def _refine(tickets: QuerySet[Ticket], data: dict[str, Any]) -> QuerySet[Ticket]:
    if data.get("type"):
        tickets = tickets.filter(request_type=data["type"])
    if data.get("category"):
        category = data["category"]
        tickets = tickets.filter(Q(category=category) | Q(category__parent=category))
    if data.get("unit"):
        tickets = tickets.filter(lead_unit__path__startswith=data["unit"].path)
    if data.get("district"):
        tickets = tickets.filter(district=data["district"])
    if data.get("date_from"):
        tickets = tickets.filter(created_at__gte=clock.day_start(data["date_from"]))
    if data.get("date_to"):
        tickets = tickets.filter(created_at__lt=clock.day_start(data["date_to"] + dt.timedelta(1)))
    if data.get("overdue"):
        now = clock.now()
        late = Q(stage_due_at__lt=now) | (Q(due_at__lt=now) & ~Q(status=Status.PUBLISHED))
        tickets = tickets.filter(late, status__in=RUNNING)
    return tickets


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    number: int
    has_previous: bool
    has_next: bool
    count: int
    count_capped: bool
    last_allowed: bool

    def with_rows(self, rows: list[Other]) -> Page[Other]:
        """This page holding ROWS instead (a page of ids, then the rows they name)."""
        return Page(
            rows,
            self.number,
            self.has_previous,
            self.has_next,
            self.count,
            self.count_capped,
            self.last_allowed,
        )


def search_page(user: User, data: dict[str, Any], raw_page: str | None) -> Page[Ticket]:
    if not data.get("q"):
        return page_of(search_tickets(user, data), raw_page)
    # Built only if the page needs a total: a text filter looks its candidates up when built.
    return page_of(
        search_tickets(user, data),
        raw_page,
        cap=TEXT_COUNT_CAP,
        counted=lambda: search_tickets(user, data, counting=True),
    )


def page_of(
    tickets: QuerySet[Any, Row],
    raw_page: str | None,
    *,
    cap: int = COUNT_CAP,
    counted: Callable[[], QuerySet[Any, Any]] | None = None,
) -> Page[Row]:
    """Page RAW_PAGE of TICKETS (any rows); the total counts COUNTED() (default TICKETS) up
    to CAP."""
    try:
        number = min(max(1, int(raw_page or 1)), MAX_PAGES)
    except ValueError:
        number = 1
    start = (number - 1) * PAGE_SIZE
    rows = list(tickets[start : start + PAGE_SIZE + 1])  # one extra row says "there is more"
    if rows and len(rows) <= PAGE_SIZE or not rows and number == 1:
        count, capped = start + len(rows), False  # the last page: no need to count
    else:
        count, capped = capped_count(tickets if counted is None else counted(), cap)
    return Page(
        rows[:PAGE_SIZE],
        number,
        number > 1,
        len(rows) > PAGE_SIZE,
        count,
        capped,
        number == MAX_PAGES,
    )
