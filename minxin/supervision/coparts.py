"""The co-handling parts' clocks, swept like the lead's stage (called by `sweeps.sweep`).

A part still owed (待签收 or 办理中) gets a yellow warning at its warning moment and a red one
at its deadline; the red one also opens an overdue supervision order (督办单) addressed to
the co-handling unit. Parts are claimed with `FOR UPDATE SKIP LOCKED` and their `warn_level`
flipped in the same transaction (`batches.claim_loop`, as the lead's sweep), so two workers
share the work and a second pass finds nothing to do. A returned part waits for the centre, not the unit: it is not swept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone

from minxin.notify.services import inbox_post, render, template_text
from minxin.supervision.batches import claim_loop
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.opening import open_order
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import Assignment
from minxin.tickets.timeline import record
from minxin.tickets.workflow import CO_STATES

BATCH = 500
YELLOW, RED = 1, 2
OWED = [Assignment.PartStatus.PENDING, Assignment.PartStatus.SIGNED]


def sweep_co_parts(now: dt.datetime) -> int:
    """Warn and supervise the parts whose moment has come; the number of parts acted on."""
    return _sweep(now, YELLOW) + _sweep(now, RED)


def _due(now: dt.datetime, level: int) -> Q:
    if level == YELLOW:
        return Q(warn_level=0, warn_at__lte=now, due_at__gt=now)
    return Q(warn_level__in=[0, YELLOW], due_at__lte=now)


def _sweep(now: dt.datetime, level: int) -> int:
    template = template_text(_event(level))

    def claim() -> list[Assignment]:
        return list(
            Assignment.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                _due(now, level),
                role=Assignment.Role.CO,
                active=True,
                status__in=OWED,
                ticket__status__in=CO_STATES,
            )
            .select_related("ticket", "unit")
            .order_by("id")[:BATCH]
        )

    def act(parts: Sequence[Assignment]) -> None:
        Assignment.objects.filter(pk__in=[p.pk for p in parts]).update(warn_level=level)
        for part in parts:
            _act(part, level, template)

    return claim_loop(claim, act)


def _event(level: int) -> str:
    return "co_warning" if level == YELLOW else "co_overdue"


def _act(part: Assignment, level: int, template: str) -> None:
    ticket, system = part.ticket, Actor.system_actor()
    event = _event(level)
    due = timezone.localtime(part.due_at)
    text = render(
        event,
        template=template,
        code=ticket.display_code,
        title=ticket.title,
        unit=part.unit.name,
        due=f"{due:%Y-%m-%d %H:%M}",
    )
    record(ticket, actor=system, action=Action(event), unit=part.unit, note=text, public=False)
    inbox_post(
        key=f"{event}:{part.pk}:{due:%Y%m%d%H%M}",
        event=event,
        text=text,
        unit_id=part.unit_id,
        ticket_id=ticket.pk,
    )
    if level == RED:
        open_order(
            ticket,
            reason=SupervisionOrder.Reason.OVERDUE,
            actor=system,
            note=f"{part.unit.name}协办超期",
            unit_id=part.unit_id,
        )
