"""The request page's side panels beyond the workflow: merged requests (并案), supervision
orders (督办), the oversight group (监督小组) and notification delivery status."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from minxin.accounts.models import Role, User
from minxin.notify.deliveries import Delivery, ticket_deliveries
from minxin.supervision.models import OversightEvaluation
from minxin.supervision.oversight import SHAREABLE
from minxin.supervision.selectors import orders_visible_to
from minxin.tickets import selectors
from minxin.tickets.models import OPEN_STATUSES, OversightShare, Ticket
from minxin.workbench.permissions import may_evaluate, may_read_orders, may_supervise

MAX_ROWS = 50
EVALUATION_FIELDS = [("timeliness", "办理时效"), ("quality", "答复质量"), ("attitude", "服务态度")]


def detail_panels(user: User, ticket: Ticket) -> dict[str, Any]:
    return {
        **merge_links(user, ticket),
        "orders": list(orders_visible_to(user).filter(ticket=ticket)[:MAX_ROWS])
        if may_read_orders(user)
        else [],
        # Any request still open may be supervised, dispatched or not (docs/deadlines.md).
        "may_open_order": may_supervise(user) and ticket.status in OPEN_STATUSES,
        **oversight_panel(user, ticket),
        "deliveries": deliveries(ticket),
    }


def merge_links(user: User, ticket: Ticket) -> dict[str, Any]:
    """Both sides of a merge, each a link only where the user may open it."""
    visible = selectors.tickets_visible_to(user)
    into = ticket.merged_into if ticket.merged_into_id else None
    return {
        "merged_into": into,
        "merged_into_visible": into is not None and visible.filter(pk=into.pk).exists(),
        "merged_from": list(visible.filter(merged_into=ticket).order_by("id")[:MAX_ROWS]),
    }


def oversight_panel(user: User, ticket: Ticket) -> dict[str, Any]:
    evaluations = list(
        ticket.oversight_evaluations.select_related("member", "unit").order_by("created_at", "id")
    )
    context: dict[str, Any] = {
        "evaluations": evaluations,
        "may_evaluate": may_evaluate(user) and not any(e.member_id == user.pk for e in evaluations),
        "verdicts": OversightEvaluation.Verdict.choices,
        "evaluation_fields": EVALUATION_FIELDS,
        "may_share": may_supervise(user) and ticket.status in SHAREABLE,
    }
    if context["may_share"]:
        shared = set(
            OversightShare.objects.filter(ticket=ticket).values_list("member_id", flat=True)
        )
        context["oversight_members"] = [(m, m.pk in shared) for m in _members()]
    return context


def _members() -> QuerySet[User]:
    return User.objects.filter(role=Role.OVERSIGHT, is_active=True).order_by("pk")


def deliveries(ticket: Ticket) -> list[Delivery]:
    return ticket_deliveries(ticket.pk, limit=MAX_ROWS)
