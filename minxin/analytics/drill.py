"""Drill-down: the requests behind a number on the dashboard. Each countable figure is the
same query `analytics.figures` defines, run on what the reader may open, newest first by
the figure's own moment (submission, closing), so that a page reads an index range, not
the whole set sorted (decision 0010)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from django.db.models import F, QuerySet

from minxin.accounts.models import User
from minxin.analytics import figures as fig
from minxin.analytics.figures import Scope
from minxin.analytics.params import Query, parse
from minxin.core.errors import NotFound, ValidationFailed
from minxin.supervision.records import Period
from minxin.tickets import selectors
from minxin.tickets.listing import overdue_q
from minxin.tickets.models import OPEN_STATUSES, Satisfaction, Ticket

S = Satisfaction
# (period, scope, the reader's requests) -> the figure's requests among them
Lister = Callable[[Period, Scope, QuerySet[Ticket]], QuerySet[Ticket]]
NEWEST_CLOSED = ("-closed_at", "-id")
NEWEST = ("-created_at", "-id")
# A list's total is counted up to this many ("2000+"): the dashboard's cell has the exact
# number; counting a long period's closings with their replies costs more than a page.
COUNT_CAP = 2000


def _closed_with(**filters: object) -> Lister:
    return lambda p, s, tickets: fig.closed_in(p, s, tickets).filter(**filters)


def _on_time(period: Period, scope: Scope, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    closed = fig.closed_in(period, scope, tickets).annotate(published=fig.published_at())
    return closed.filter(published__lte=F("due_at"))


def _now(overdue: bool) -> Lister:
    def listed(period: Period, scope: Scope, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
        tickets = tickets.filter(scope.ticket_q(), status__in=OPEN_STATUSES)
        return tickets.filter(overdue_q()) if overdue else tickets

    return listed


# name -> (what the list shows, the requests, their order)
FIGURES: dict[str, tuple[str, Lister, tuple[str, str]]] = {
    "submitted": ("受理的诉求", fig.submitted_in, NEWEST),
    "closed": ("办结的诉求", fig.closed_in, NEWEST_CLOSED),
    "on_time": ("按期办结的诉求", _on_time, NEWEST_CLOSED),
    "rated": (
        "已评价的办结诉求",
        _closed_with(satisfaction__in=[S.SATISFIED, S.BASIC, S.UNSATISFIED]),
        NEWEST_CLOSED,
    ),
    "satisfied": ("评价满意的诉求", _closed_with(satisfaction=S.SATISFIED), NEWEST_CLOSED),
    "basic": ("评价基本满意的诉求", _closed_with(satisfaction=S.BASIC), NEWEST_CLOSED),
    "unsatisfied": ("评价不满意的诉求", _closed_with(satisfaction=S.UNSATISFIED), NEWEST_CLOSED),
    "reopened": ("重办过的办结诉求", _closed_with(reopen_count__gt=0), NEWEST_CLOSED),
    "backlog": ("当前在办的诉求", _now(False), NEWEST),
    "overdue": ("当前超期的诉求", _now(True), NEWEST),
}


def drill(user: User, scope: Scope, params: Mapping[str, str]) -> tuple[str, Query, QuerySet]:
    """(heading, query, requests) for a drill-down link's PARAMS, within the reader's
    SCOPE and what they may open."""
    name = (params.get("figure") or "").strip()
    if name not in FIGURES:
        raise ValidationFailed("统计指标无效", code="invalid_figure", field="figure")
    query = parse(params, _unit(scope, params))
    label, lister, order = FIGURES[name]
    visible = selectors.tickets_visible_to(user).defer(*selectors.LIST_DEFERRED)
    # A category's name carries its parent's (`org.Category.__str__`): one join, not a
    # query a row.
    rows = lister(query.period, query.scope, visible).select_related("category__parent")
    return label, query, rows.order_by(*order)


def _unit(scope: Scope, params: Mapping[str, str]) -> Scope:
    raw = (params.get("unit") or "").strip()
    if not raw:
        return scope
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed("单位的取值无效", code="invalid_filter", field="unit")
    if scope.unit_ids is not None and int(raw) not in scope.unit_ids:
        raise NotFound("单位不存在或不在您的统计范围内", code="unit_not_found")
    return replace(scope, unit_ids=frozenset({int(raw)}))
