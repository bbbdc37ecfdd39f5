"""Which workflow actions a staff member may take on a request they can see.

This mirrors the role and unit checks in `minxin.tickets.services` so a page offers only
buttons that would work. The services stay the authority: they check again on every call.
`may_act` ignores the request's state on purpose, so that an action that was allowed a
moment ago but is now illegal (a colleague acted first) reads as a conflict, not a refusal.
"""

from __future__ import annotations

from minxin.accounts.models import Role, User
from minxin.org.models import Unit
from minxin.tickets.models import Extension, Status, Ticket
from minxin.tickets.workflow import legal_actions

CENTRE = {Role.INTAKE, Role.ADMIN}
UNIT = {Role.HANDLER, Role.UNIT_HEAD}
REVEAL_ROLES = {Role.INTAKE, Role.ADMIN, Role.SUPERVISOR}

ROLE_ACTIONS: dict[str, set[str]] = {
    "accept": CENTRE,
    "reject": CENTRE,
    "answer": CENTRE,
    "dispatch": CENTRE,
    "decide_extension": CENTRE,
    "approve": {Role.REVIEWER, Role.ADMIN},
    "send_back": {Role.REVIEWER, Role.ADMIN},
    "rate": {Role.CALLBACK, Role.ADMIN},
    "close_unrated": {Role.CALLBACK, Role.ADMIN},
    "archive": {Role.CALLBACK, Role.INTAKE, Role.ADMIN},
    "merge": CENTRE,
}
# Actions only the lead unit's staff (or staff of a unit above it) may take.
LEAD_UNIT_ACTIONS = {"sign", "return", "reply", "request_extension"}


def is_lead_unit_staff(user: User, ticket: Ticket) -> bool:
    if user.role not in UNIT or user.unit_id is None or ticket.lead_unit_id is None:
        return False
    return ticket.lead_unit.path.startswith(user.unit.path)


def may_act(user: User, ticket: Ticket, action: str) -> bool:
    """Whether the user's role and unit allow `action` on this request, whatever its state."""
    if not user.is_active:
        return False
    if action in LEAD_UNIT_ACTIONS:
        return is_lead_unit_staff(user, ticket)
    if action == "request_info":
        # While a unit handles the request, it asks the citizen; before that, the centre does.
        if ticket.status == Status.SIGNED:
            return is_lead_unit_staff(user, ticket)
        return user.role in CENTRE
    return user.role in ROLE_ACTIONS.get(action, set())


# The usual next step first, refusals and send-backs last.
ORDER = ["dispatch", "accept", "answer", "sign", "reply", "approve", "rate", "decide_extension",
         "request_extension", "request_info", "archive", "close_unrated", "send_back", "return",
         "merge", "reject"]


def allowed_actions(user: User, ticket: Ticket) -> list[str]:
    """The actions to offer: legal in the current state, permitted, and meaningful now."""
    actions = [a for a in legal_actions(ticket.status) if may_act(user, ticket, a)]
    actions = [a for a in actions if _meaningful(ticket, a)]
    return sorted(actions, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER))


def _meaningful(ticket: Ticket, action: str) -> bool:
    pending = ticket.extensions.filter(decision=Extension.Decision.PENDING).exists
    if action == "answer":
        return ticket.request_type.direct_answer
    if action == "decide_extension":
        return pending()
    if action == "request_extension":
        return not pending()
    return True


def may_reveal_contact(user: User) -> bool:
    return user.is_active and user.role in REVEAL_ROLES


SUPERVISORS = {Role.SUPERVISOR, Role.ADMIN}
# Supervision orders are read by those who open and close them, the leaders who watch them,
# and the supervised units' staff (the selector narrows those to their own unit).
ORDER_READERS = SUPERVISORS | {Role.LEADER} | UNIT


def may_read_orders(user: User) -> bool:
    return user.is_active and user.role in ORDER_READERS


def may_supervise(user: User) -> bool:
    """Open and close supervision orders; also share cases with the oversight group."""
    return user.is_active and user.role in SUPERVISORS


def may_respond(user: User, unit: Unit) -> bool:
    """The supervised unit's staff (or a unit above it) answer its orders."""
    return (user.is_active and user.role in UNIT and user.unit_id is not None
            and unit.path.startswith(user.unit.path))


def may_evaluate(user: User) -> bool:
    return user.is_active and user.role == Role.OVERSIGHT


def may_read_records(user: User) -> bool:
    """Whether the user may open any unit's record (citywide roles, unit heads)."""
    return user.is_active and (user.is_citywide or user.role == Role.UNIT_HEAD)


def may_read_record(user: User, unit: Unit) -> bool:
    """Citywide roles read every unit's record; a unit head reads their own unit's."""
    if not user.is_active:
        return False
    if user.is_citywide:
        return True
    return (user.role == Role.UNIT_HEAD and user.unit_id is not None
            and unit.path.startswith(user.unit.path))
