"""What the workbench may show a staff member: every answer comes from the one table in
`minxin.tickets.workflow`, the same table the services enforce on every call.

`may_act` ignores the request's state on purpose, so that an action that was allowed a
moment ago but is now illegal (a colleague acted first) reads as a conflict, not a refusal.
"""

from __future__ import annotations

from minxin.accounts.models import SUPERVISOR_ROLES, UNIT_ROLES, Role, User
from minxin.org.models import Unit
from minxin.tickets.actions import Action
from minxin.tickets.workflow import allowed_actions, may_act, role_may

__all__ = [
    "allowed_actions",
    "may_act",
    "may_evaluate",
    "may_read_orders",
    "may_read_record",
    "may_read_records",
    "may_reveal_contact",
    "may_supervise",
]


def may_reveal_contact(user: User) -> bool:
    return role_may(user, Action.REVEAL_CONTACT)


# Supervision orders are read by those who open and close them, the leaders who watch them,
# and the supervised units' staff (the selector narrows those to their own unit).
# The centre's intake staff read them too: orders about requests not yet dispatched are theirs.
ORDER_READERS = SUPERVISOR_ROLES | {Role.LEADER, Role.INTAKE} | UNIT_ROLES


def may_read_orders(user: User) -> bool:
    return user.is_active and user.role in ORDER_READERS


def may_supervise(user: User) -> bool:
    """Open and close supervision orders; also share cases with the oversight group."""
    return role_may(user, Action.SUPERVISE)


def may_evaluate(user: User) -> bool:
    return role_may(user, Action.OVERSIGHT_EVALUATE)


def may_read_records(user: User) -> bool:
    """Whether the user may open any unit's record (citywide roles, unit heads)."""
    return user.is_active and (user.is_citywide or user.role == Role.UNIT_HEAD)


def may_read_record(user: User, unit: Unit) -> bool:
    """Citywide roles read every unit's record; a unit head reads their own unit's."""
    if not user.is_active:
        return False
    if user.is_citywide:
        return True
    return (
        user.role == Role.UNIT_HEAD
        and user.unit is not None
        and unit.path.startswith(user.unit.path)
    )
