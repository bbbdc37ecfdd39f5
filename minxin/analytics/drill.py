"""Drill-down: the requests behind a number on the dashboard. Each countable figure is the
same query `analytics.figures` defines, intersected with what the reader may open."""

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
Lister = Callable[[Period, Scope], QuerySet[Ticket]]


def _closed_with(**filters: object) -> Lister:
    return lambda p, s: fig.closed_in(p, s).filter(**filters)


def _on_time(period: Period, scope: Scope) -> QuerySet[Ticket]:
    closed = fig.closed_in(period, scope).annotate(published=fig.published_at())
    return closed.filter(published__lte=F("due_at"))


def _now(overdue: bool) -> Lister:
    def listed(period: Period, scope: Scope) -> QuerySet[Ticket]:
        tickets = Ticket.objects.filter(scope.ticket_q(), status__in=OPEN_STATUSES)
        return tickets.filter(overdue_q()) if overdue else tickets

    return listed


# name -> (what the list shows, the requests)
FIGURES: dict[str, tuple[str, Lister]] = {
    "submitted": ("受理的诉求", fig.submitted_in),
    "closed": ("办结的诉求", fig.closed_in),
    "on_time": ("按期办结的诉求", _on_time),
    "rated": (
        "已评价的办结诉求",
        _closed_with(satisfaction__in=[S.SATISFIED, S.BASIC, S.UNSATISFIED]),
    ),
    "satisfied": ("评价满意的诉求", _closed_with(satisfaction=S.SATISFIED)),
    "basic": ("评价基本满意的诉求", _closed_with(satisfaction=S.BASIC)),
    "unsatisfied": ("评价不满意的诉求", _closed_with(satisfaction=S.UNSATISFIED)),
    "reopened": ("重办过的办结诉求", _closed_with(reopen_count__gt=0)),
    "backlog": ("当前在办的诉求", _now(False)),
    "overdue": ("当前超期的诉求", _now(True)),
}


def drill(user: User, scope: Scope, params: Mapping[str, str]) -> tuple[str, Query, QuerySet]:
    """(heading, query, requests) for a drill-down link's PARAMS, within the reader's
    SCOPE and what they may open."""
    name = (params.get("figure") or "").strip()
    if name not in FIGURES:
        raise ValidationFailed("统计指标无效", code="invalid_figure", field="figure")
    query = parse(params, _unit(scope, params))
    label, lister = FIGURES[name]
    found = lister(query.period, query.scope)
    visible = selectors.tickets_visible_to(user).defer(*selectors.LIST_DEFERRED)
    rows = visible.filter(pk__in=found.values("pk")).order_by("-created_at", "-id")
    return label, query, rows


def _unit(scope: Scope, params: Mapping[str, str]) -> Scope:
    raw = (params.get("unit") or "").strip()
    if not raw:
        return scope
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed("单位的取值无效", code="invalid_filter", field="unit")
    if scope.unit_ids is not None and int(raw) not in scope.unit_ids:
        raise NotFound("单位不存在或不在您的统计范围内", code="unit_not_found")
    return replace(scope, unit_ids=frozenset({int(raw)}))
