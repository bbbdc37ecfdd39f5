"""Where the apps built on the risk app act on what it reads (core.hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from minxin.core.hooks import Hook

if TYPE_CHECKING:
    from minxin.tickets.models import Ticket


@Hook
def critical_found(*, ticket: Ticket, reason: str) -> object:
    """The analysis found a request critical (紧急), in its transaction, after the
    supervisors' alert: the emergency clock and the staff on duty alerted (supervision:
    `emergency.emergency_raise`)."""


@Hook
def analysed(ticket_id: int) -> None:
    """A request's reading committed (at submission, in the worker or on a retry): the apps
    that wait for its risk act (routing: `autodispatch.auto_dispatch_schedule`)."""
