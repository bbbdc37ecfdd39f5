"""延期: a handling unit asks for more working days, the centre decides. The request's
clocks move in `ticket_decide_extension`; these write the application itself."""

from __future__ import annotations

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.tickets.actors import Actor
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.timeline import record

MAX_EXTENSIONS = 2
MAX_EXTENSION_DAYS = 15


def check_days(days: int) -> None:
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(
            f"延期天数应为1至{MAX_EXTENSION_DAYS}个工作日", code="invalid_days", field="days"
        )


def extension_open(ticket: Ticket, *, actor: Actor, days: int, reason: str) -> Extension:
    """A new application on the locked request, from the lead unit's staff (the table has
    admitted them): one pending at a time, MAX_EXTENSIONS in all."""
    user = actor.user
    assert user is not None
    unit = user.unit
    assert unit is not None
    if ticket.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise Conflict("已有待审批的延期申请", code="extension_pending")
    if ticket.extensions.count() >= MAX_EXTENSIONS:
        raise Conflict(f"每件诉求最多申请{MAX_EXTENSIONS}次延期", code="extension_limit")
    ext = Extension.objects.create(
        ticket=ticket,
        unit=unit,
        requested_by=user,
        days=days,
        reason=reason,
        created_at=clock.now(),
    )
    note = f"申请延期{days}个工作日：{reason}"
    record(ticket, actor=actor, action="request_extension", unit=unit, public=False, note=note)
    return ext


def extension_ticket_id(extension_id: int) -> int:
    ticket_id = Extension.objects.filter(pk=extension_id).values_list("ticket_id", flat=True)
    if not ticket_id:
        raise NotFound("延期申请不存在", code="extension_not_found")
    return ticket_id[0]


def extension_settle(extension_id: int, *, actor: Actor, approve: bool) -> Extension:
    """Write the decision on a pending application (its request is locked by the caller)."""
    ext = Extension.objects.select_for_update().get(pk=extension_id)
    if ext.decision != Extension.Decision.PENDING:
        raise Conflict("该延期申请已审批", code="extension_decided")
    ext.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
    ext.decided_by, ext.decided_at = actor.user, clock.now()
    ext.save(update_fields=["decision", "decided_by", "decided_at"])
    return ext
