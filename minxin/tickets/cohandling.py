"""协办: the co-handling units' parts of a request, each with its own life and clock.

A part is the request's `Assignment` row with role=co. At dispatch each part starts 待签收
with its own deadline (`co_part_due`). The co-unit signs for it (办理中), then gives its
opinion (已提交意见: what it found and did, for the lead; internal), or returns it (not
ours, with a reason) for the centre to decide: release the unit (re-dispatched without it)
or keep it on. The lead sees every part; `ticket_reply` refuses while a part is open unless
the lead says why it goes ahead. `sweep_co_parts` warns and supervises late parts.

Every service locks the request row first, so two co-units acting at once take turns, and
then checks the part's own state under that lock: an action the part has moved past is a
Conflict. Co actions leave the request's `version` alone: a co-unit signing does not make
the lead's open reply form stale.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.core.validation import check_text
from minxin.notify.services import inbox_post, render
from minxin.org.models import Unit
from minxin.sla.calendar import workdays_between
from minxin.sla.deadlines import due_after
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import warn_moment
from minxin.tickets.models import OPEN_PART_STATUSES, Assignment, Ticket
from minxin.tickets.policy import co_days
from minxin.tickets.steps import lock
from minxin.tickets.timeline import record
from minxin.tickets.workflow import CO_PART_FROM, require_allowed, require_co_part

P = Assignment.PartStatus
# By default a part ends this many working days before the lead's reply is due, so the
# lead has the co-units' opinions in time to write its reply.
CO_DAYS_BEFORE_LEAD = 2


def co_part_due(ticket: Ticket, start: dt.datetime) -> dt.datetime:
    """A part's deadline: the type's or category's 协办时限 in working days when set; else
    two working days before the lead's reply is due, and never before the next working day."""
    days = co_days(ticket)
    if days is None:
        left = (
            workdays_between(timezone.localdate(start), timezone.localdate(ticket.due_at))
            if ticket.due_at
            else 1
        )
        days = left - CO_DAYS_BEFORE_LEAD
    return due_after(start, max(1, days))


def parts_start(ticket: Ticket, lead: Unit, co_units: list[Unit]) -> list[Assignment]:
    """A dispatch's parts, replacing any earlier ones: the lead's, and one a co-handling unit,
    each on its own clock (called by `ticket_dispatch`). Returns the co-handling parts."""
    now = clock.now()
    ticket.assignments.filter(active=True).update(active=False)
    lead_part = Assignment(ticket=ticket, unit=lead, role=Assignment.Role.LEAD, created_at=now)
    parts = Assignment.objects.bulk_create([lead_part, *_co_parts(ticket, co_units, now)])
    return parts[1:]


def _co_parts(ticket: Ticket, units: list[Unit], now: dt.datetime) -> list[Assignment]:
    due = co_part_due(ticket, now)
    return [
        Assignment(
            ticket=ticket,
            unit=unit,
            role=Assignment.Role.CO,
            created_at=now,
            status=P.PENDING,
            due_at=due,
            warn_at=warn_moment(now, due),
        )
        for unit in units
    ]


def open_parts(ticket: Ticket) -> list[Assignment]:
    return list(
        ticket.assignments.filter(
            role=Assignment.Role.CO, active=True, status__in=OPEN_PART_STATUSES
        ).select_related("unit")
    )


def co_parts(ticket: Ticket) -> list[Assignment]:
    """Every co-handling part of the request, current ones first (the lead's panel, the API)."""
    return list(
        ticket.assignments.filter(role=Assignment.Role.CO)
        .select_related("unit", "opinion_by")
        .order_by("-active", "id")
    )


# ---- the co-unit's actions ------------------------------------------------------------------


def _my_part(actor: Actor, ticket: Ticket, action: Action) -> Assignment:
    """The actor's part, locked, in a state the action may start from (else a Conflict)."""
    found = require_co_part(actor, ticket, action)
    part = Assignment.objects.select_for_update().select_related("unit").get(pk=found.pk)
    if part.status not in CO_PART_FROM[action]:
        raise Conflict(
            f"该协办任务当前为「{P(part.status).label}」，不能{_LABEL[action]}，请刷新后重试",
            code="co_part_state",
        )
    return part


_LABEL = {Action.CO_SIGN: "签收", Action.CO_RETURN: "退回", Action.CO_OPINION: "提交协办意见"}


@transaction.atomic
def co_part_sign(*, ticket_id: int, actor: Actor) -> Assignment:
    ticket = lock(ticket_id)
    part = _my_part(actor, ticket, Action.CO_SIGN)
    part.status, part.signed_at = P.SIGNED, clock.now()
    part.save(update_fields=["status", "signed_at"])
    _record(ticket, actor, Action.CO_SIGN, part.unit, "")
    return part


@transaction.atomic
def co_part_return(*, ticket_id: int, actor: Actor, reason: str) -> Assignment:
    """Not ours: the part waits for the centre's decision (`co_part_decide`)."""
    reason = check_text(reason, field="reason", label="退回理由", max_length=1000)
    ticket = lock(ticket_id)
    part = _my_part(actor, ticket, Action.CO_RETURN)
    part.status, part.return_reason = P.RETURNED, reason
    part.save(update_fields=["status", "return_reason"])
    _record(ticket, actor, Action.CO_RETURN, part.unit, reason)
    _inbox(ticket, None, "co_returned", part, note=reason)
    return part


@transaction.atomic
def co_part_opinion(*, ticket_id: int, actor: Actor, note: str) -> Assignment:
    """协办意见: what the co-unit found and did, for the lead (internal to the staff)."""
    note = check_text(note, field="note", label="协办意见", max_length=3000)
    ticket = lock(ticket_id)
    part = _my_part(actor, ticket, Action.CO_OPINION)
    part.status, part.opinion, part.opinion_at, part.opinion_by = (
        P.DONE,
        note,
        clock.now(),
        actor.user,
    )
    part.save(update_fields=["status", "opinion", "opinion_at", "opinion_by"])
    _record(ticket, actor, Action.CO_OPINION, part.unit, note)
    _inbox(ticket, ticket.lead_unit_id, "co_opinion", part)
    return part


@transaction.atomic
def co_part_decide(
    *, ticket_id: int, actor: Actor, unit_id: int, keep: bool, note: str = ""
) -> Assignment:
    """The centre on a returned part: keep the unit on (back to 办理中) or release it."""
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationFailed("说明不能超过1000字", code="too_long", field="note")
    ticket = lock(ticket_id)
    require_allowed(actor, ticket, Action.CO_DECIDE)
    part = (
        Assignment.objects.select_for_update()
        .select_related("unit")
        .filter(ticket=ticket, role=Assignment.Role.CO, active=True, unit_id=unit_id)
        .first()
    )
    if part is None:
        raise NotFound("该单位不是本诉求的协办单位", code="co_part_not_found")
    if part.status != P.RETURNED:
        raise Conflict("该协办任务没有待决定的退回申请", code="co_part_state")
    if keep:
        part.status, part.signed_at = P.SIGNED, part.signed_at or clock.now()
    else:
        part.status, part.active = P.RELEASED, False
    part.save(update_fields=["status", "signed_at", "active"])
    verdict = f"维持{part.unit.name}协办" if keep else f"撤销{part.unit.name}的协办任务"
    _record(ticket, actor, Action.CO_DECIDE, part.unit, f"{verdict}。{note}".strip("。"))
    _inbox(ticket, part.unit_id, "co_decided", part, note=verdict)
    return part


def proceed_check(ticket: Ticket, *, actor: Actor, proceed_reason: str) -> None:
    """The lead replies while parts are open only when it records why (called by
    `ticket_reply` on its locked request)."""
    waiting = open_parts(ticket)
    if not waiting:
        return
    reason = (proceed_reason or "").strip()
    names = "、".join(p.unit.name for p in waiting)
    if not reason:
        raise Conflict(
            f"协办单位（{names}）尚未提交协办意见；请等待，或填写先行答复的理由",
            code="co_parts_open",
        )
    if len(reason) > 1000:
        raise ValidationFailed(
            "先行答复的理由不能超过1000字", code="too_long", field="proceed_reason"
        )
    _record(ticket, actor, Action.CO_PROCEED, None, f"协办单位{names}尚未提交意见。{reason}")


# ---- shared steps ----------------------------------------------------------------------------


def _record(ticket: Ticket, actor: Actor, action: Action, unit: Unit | None, note: str) -> None:
    # Co-handling is the staff's business: none of it is on the citizen's timeline.
    record(ticket, actor=actor, action=action, note=note, unit=unit, public=False)


def _inbox(
    ticket: Ticket, unit_id: int | None, event: str, part: Assignment, note: str = ""
) -> None:
    due = timezone.localtime(part.due_at) if part.due_at else None
    text = render(
        event,
        code=ticket.display_code,
        title=ticket.title,
        unit=part.unit.name,
        note=note[:60],
        due=f"{due:%Y-%m-%d %H:%M}" if due else "",
    )
    stamp = clock.now().strftime("%Y%m%d%H%M%S%f")
    inbox_post(
        key=f"{event}:{part.pk}:{stamp}",
        event=event,
        text=text,
        unit_id=unit_id,
        ticket_id=ticket.pk,
    )


def co_dispatched_notice(ticket: Ticket, part: Assignment) -> None:
    """The co-unit's inbox at dispatch: its part and its own deadline."""
    _inbox(ticket, part.unit_id, "co_dispatched", part)
