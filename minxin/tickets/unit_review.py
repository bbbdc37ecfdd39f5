"""单位审核: where a unit asks for it (`Unit.reply_approval`), a handler's reply goes to the
unit head before the centre's review.

The request waits in 单位审核中 (`Status.UNIT_REVIEW`) with the handling stage's clock still
running: the unit's approval is part of the unit's own time. The head approves it on to the
centre (已答复待审核, the review clock starts) or sends it back inside the unit (办理中). A
unit head's own reply, or one from a unit above the lead, goes straight to the centre.
"""

from __future__ import annotations

from django.db import transaction

from minxin.accounts.models import Role
from minxin.core.errors import Conflict, ValidationFailed
from minxin.core.validation import check_text
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import review_stage
from minxin.tickets.models import Reply, Status, Ticket
from minxin.tickets.replies import pending_reply, reply_send_back
from minxin.tickets.steps import lock, move
from minxin.tickets.workflow import require_allowed


def reply_target(ticket: Ticket, actor: Actor) -> str:
    lead = ticket.lead_unit if ticket.lead_unit_id else None
    if lead is not None and lead.reply_approval and actor.role != Role.UNIT_HEAD:
        return Status.UNIT_REVIEW
    return Status.REPLIED


def _ready(
    ticket_id: int, actor: Actor, action: Action, expected_version: int | None
) -> tuple[Ticket, str | None, Reply]:
    ticket = lock(ticket_id, expected_version)
    lead = ticket.lead_unit if ticket.lead_unit_id else None
    if ticket.status != Status.UNIT_REVIEW and lead is not None and not lead.reply_approval:
        raise Conflict(
            f"{lead.name}未开启单位审核，办理结果直接报受理中心审核", code="unit_review_off"
        )
    to = require_allowed(actor, ticket, action)
    return ticket, to, pending_reply(ticket)


@transaction.atomic
def ticket_unit_approve(
    *, ticket_id: int, actor: Actor, note: str = "", expected_version: int | None = None
) -> Ticket:
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationFailed("审核意见不能超过1000字", code="too_long", field="note")
    ticket, to, _ = _ready(ticket_id, actor, Action.UNIT_APPROVE, expected_version)
    assert to is not None
    move(
        ticket,
        actor=actor,
        action=Action.UNIT_APPROVE,
        to=to,
        note=note,
        public=False,
        fields=review_stage(ticket),
    )
    return ticket


@transaction.atomic
def ticket_unit_send_back(
    *, ticket_id: int, actor: Actor, note: str, expected_version: int | None = None
) -> Ticket:
    note = check_text(note, field="note", label="退回意见", max_length=1000)
    ticket, to, reply = _ready(ticket_id, actor, Action.UNIT_SEND_BACK, expected_version)
    assert to is not None
    reply_send_back(reply, by=actor.user, note=f"单位审核退回：{note}")
    # The handling stage's clock was never stopped: the unit keeps its own deadline.
    move(ticket, actor=actor, action=Action.UNIT_SEND_BACK, to=to, note=note, public=False)
    return ticket
