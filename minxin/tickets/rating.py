"""评价: what the citizen's (or callback agent's) rating leads to besides closing the
request. 不满意 opens a supervision order and reopens the request to the same unit, up to
MAX_REOPENS times; a closed request closes its open orders."""

from __future__ import annotations

from django.conf import settings

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.sla.deadlines import due_after
from minxin.tickets import hooks
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import set_stage
from minxin.tickets.models import Satisfaction, Stage, Status, Ticket
from minxin.tickets.policy import deadline_days, sign_due
from minxin.tickets.steps import move

CHOICES = (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED)


def check_rating(satisfaction: str, comment: str | None) -> str:
    """The comment, stripped, once the rating is one the citizen may give."""
    if satisfaction not in CHOICES:
        raise ValidationFailed(
            "请选择满意、基本满意或不满意", code="invalid_satisfaction", field="satisfaction"
        )
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed("评价意见不能超过500字", code="too_long", field="comment")
    return comment


def supervise_unsatisfied(ticket: Ticket, *, actor: Actor, note: str) -> None:
    """A supervision order for the unsatisfied rating (`hooks.rated_unsatisfied`)."""
    hooks.rated_unsatisfied(ticket, actor=actor, note=note)


def orders_follow(ticket: Ticket) -> None:
    """The closed request's open supervision orders follow it (`hooks.closed_by_rating`)."""
    hooks.closed_by_rating(ticket=ticket)


def may_reopen(ticket: Ticket) -> bool:
    return ticket.reopen_count < settings.MAX_REOPENS and ticket.lead_unit_id is not None


def reopen(ticket: Ticket, *, actor: Actor, note: str, fields: list[str]) -> Ticket:
    """重办: back to the lead unit to sign for again, with a new deadline."""
    now = clock.now()
    ticket.reopen_count += 1
    ticket.due_at = due_after(now, deadline_days(ticket))
    fields += ["reopen_count", "due_at", *set_stage(ticket, Stage.SIGN, sign_due(ticket, now))]
    note = f"第{ticket.reopen_count}次重办。{note}"
    move(ticket, actor=actor, action="reopen", to=Status.DISPATCHED, fields=fields, note=note)
    return ticket
