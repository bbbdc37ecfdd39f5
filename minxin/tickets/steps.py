"""The steps every state change shares: lock the request, check the move is allowed, find
the unit acting, check the units named, learn from the dispatcher's choice, and move the
request while recording the step on its timeline."""

from __future__ import annotations

from collections.abc import Iterable

from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.org.models import Unit
from minxin.tickets import hooks
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.timeline import record
from minxin.tickets.workflow import require_allowed


def lock(ticket_id: int, expected_version: int | None = None) -> Ticket:
    """The request's row, locked for this transaction; with `expected_version`, a Conflict
    when someone changed it since the actor loaded it."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("诉求不存在", code="ticket_not_found")
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict("该诉求已被他人更新，请刷新后重试", code="stale_version")
    return ticket


def require_move(actor: Actor, ticket: Ticket, action: str) -> str:
    """`workflow.require_allowed` for an action whose transition names the state it leads
    to, which it returns."""
    to = require_allowed(actor, ticket, action)
    if to is None:
        raise TypeError(f"{action} leads to no one state: its service decides")
    return to


def staff_unit(actor: Actor) -> Unit | None:
    """The unit a staff member acts for (the table has already checked it is allowed)."""
    return actor.user.unit if actor.user is not None and actor.user.unit_id else None


def move(
    ticket: Ticket,
    *,
    actor: Actor,
    action: str,
    to: str,
    note: str = "",
    public_note: str = "",
    public: bool = True,
    unit: Unit | None = None,
    fields: Iterable[str] = (),
) -> None:
    """Change the state and record the step: `note` internal, `public_note` for the citizen."""
    from_status = ticket.status
    ticket.status = to
    ticket.version += 1
    ticket.save(update_fields=["status", "version", *fields])
    record(
        ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        note=note,
        public_note=public_note,
        public=public,
        unit=unit,
    )


def check_units(lead_unit_id: int, co_unit_ids: Iterable[int]) -> tuple[Unit, list[Unit]]:
    """The active lead unit and co-handling units (at most ten, the lead left out)."""
    co_ids = [i for i in dict.fromkeys(co_unit_ids) if i != lead_unit_id]
    units = Unit.objects.in_bulk([lead_unit_id, *co_ids])
    if lead_unit_id not in units or not units[lead_unit_id].is_active:
        raise ValidationFailed("主办单位不存在", code="invalid_unit", field="lead_unit_id")
    if len(co_ids) > 10 or any(i not in units or not units[i].is_active for i in co_ids):
        raise ValidationFailed("协办单位不存在", code="invalid_unit", field="co_unit_ids")
    return units[lead_unit_id], [units[i] for i in co_ids]


def learn_choice(ticket: Ticket, actor: Actor, **choice: int | None) -> None:
    """A dispatcher's choice against the platform's suggestion, recorded before the request
    changes (`hooks.dispatcher_chose`, never raising)."""
    if actor.user is not None:
        hooks.dispatcher_chose(ticket=ticket, user=actor.user, **choice)
