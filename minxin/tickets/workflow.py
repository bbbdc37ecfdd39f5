"""The rules of a request's life in one place: the actions, the states each may move from and
to, and who may take each one.

Services enforce these tables (`require_allowed`); the workbench and the API ask them which
actions to offer (`allowed_actions`). Nothing else decides whether a move is legal or permitted.
The table is drawn in docs/architecture.md; the actions and their names are `tickets.actions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import EllipsisType

from minxin.accounts.models import (
    CALLBACK_ROLES,
    CENTRE_ROLES,
    REVEAL_ROLES,
    REVIEW_ROLES,
    SUPERVISOR_ROLES,
    UNIT_ROLES,
    Role,
    User,
)
from minxin.core.errors import Conflict, PermissionDenied
from minxin.tickets.actions import ACTION_LABELS, Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import Assignment, Extension, Status, Ticket

S = Status


A = Action

# While the lead handles the request, its co-handling units work their parts.
CO_STATES = frozenset({S.DISPATCHED, S.SIGNED, S.PENDING_INFO, S.UNIT_REVIEW, S.REPLIED})

# action: (states it may start from, state it leads to; None means "decided by the service")
TRANSITIONS: dict[Action, tuple[frozenset[str], str | None]] = {
    A.ACCEPT: (frozenset({S.SUBMITTED}), S.ACCEPTED),
    A.REJECT: (frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED),
    A.REQUEST_INFO: (frozenset({S.SUBMITTED, S.ACCEPTED, S.SIGNED}), S.PENDING_INFO),
    A.SUPPLEMENT: (frozenset({S.PENDING_INFO}), None),
    A.ANSWER: (frozenset({S.SUBMITTED, S.ACCEPTED}), S.PUBLISHED),
    A.DISPATCH: (frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED}), S.DISPATCHED),
    A.SIGN: (frozenset({S.DISPATCHED}), S.SIGNED),
    A.RETURN: (frozenset({S.DISPATCHED}), S.RETURNED),
    # To the centre's review, or first to the unit head where the unit asks for it.
    A.REPLY: (frozenset({S.SIGNED}), None),
    A.UNIT_APPROVE: (frozenset({S.UNIT_REVIEW}), S.REPLIED),
    A.UNIT_SEND_BACK: (frozenset({S.UNIT_REVIEW}), S.SIGNED),
    A.APPROVE: (frozenset({S.REPLIED}), S.PUBLISHED),
    A.SEND_BACK: (frozenset({S.REPLIED}), S.SIGNED),
    A.RATE: (frozenset({S.PUBLISHED}), None),
    A.CLOSE_UNRATED: (frozenset({S.PUBLISHED}), S.CLOSED),
    A.ARCHIVE: (frozenset({S.CLOSED, S.REJECTED}), S.ARCHIVED),
    A.REQUEST_EXTENSION: (frozenset({S.SIGNED}), S.SIGNED),
    A.DECIDE_EXTENSION: (frozenset({S.SIGNED, S.UNIT_REVIEW, S.REPLIED}), None),
    A.MERGE: (frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.PENDING_INFO}), S.MERGED),
    # A co-part moves on its own (Assignment.status); the request's state does not change.
    A.CO_SIGN: (CO_STATES, None),
    A.CO_RETURN: (CO_STATES, None),
    A.CO_OPINION: (CO_STATES, None),
    A.CO_DECIDE: (CO_STATES, None),
}


class Party(StrEnum):
    """Whose the actor must be, beyond holding one of the rule's roles."""

    STAFF = "staff"  # the role alone decides (the centre's roles see every request)
    LEAD = "lead"  # staff of the lead unit (主办) or of a unit above it
    CO = "co"  # staff of a co-handling unit (协办) on the request, or of a unit above it
    OWNER = "owner"  # the citizen who submitted it (verified phone or tracking code)
    SYSTEM = "system"  # the platform itself: automatic dispatch, the sweeps
    ANYONE = "anyone"  # a new request may come from anyone


@dataclass(frozen=True)
class Rule:
    party: Party
    roles: frozenset[str] = frozenset()
    # Only in these states (None: in every state the transition table allows).
    states: frozenset[str] | None = None


def _staff(*groups: frozenset[str] | Role) -> Rule:
    roles: set[str] = set()
    for group in groups:
        roles |= group if isinstance(group, frozenset) else {group}
    return Rule(Party.STAFF, frozenset(roles))


LEAD_STAFF = Rule(Party.LEAD, UNIT_ROLES)
CO_STAFF = Rule(Party.CO, UNIT_ROLES)
LEAD_HEAD = Rule(Party.LEAD, frozenset({Role.UNIT_HEAD}))
SYSTEM = Rule(Party.SYSTEM)
OWNER = Rule(Party.OWNER)

# Who may take each action. An actor may act when any one rule admits them.
PERMISSIONS: dict[Action, tuple[Rule, ...]] = {
    A.SUBMIT: (Rule(Party.ANYONE),),
    A.ACCEPT: (_staff(CENTRE_ROLES), SYSTEM),
    A.REJECT: (_staff(CENTRE_ROLES),),
    # Before dispatch the centre asks the citizen; while a unit handles it, that unit does.
    A.REQUEST_INFO: (
        Rule(Party.STAFF, CENTRE_ROLES, frozenset({S.SUBMITTED, S.ACCEPTED})),
        Rule(Party.LEAD, UNIT_ROLES, frozenset({S.SIGNED})),
    ),
    A.SUPPLEMENT: (OWNER,),
    A.ANSWER: (_staff(CENTRE_ROLES),),
    A.DISPATCH: (_staff(CENTRE_ROLES), SYSTEM),
    A.SIGN: (LEAD_STAFF,),
    A.RETURN: (LEAD_STAFF,),
    A.REPLY: (LEAD_STAFF,),
    A.APPROVE: (_staff(REVIEW_ROLES),),
    A.SEND_BACK: (_staff(REVIEW_ROLES),),
    # The citizen rates; a callback agent records a rating given by phone.
    A.RATE: (OWNER, _staff(CALLBACK_ROLES)),
    A.REOPEN: (OWNER, _staff(CALLBACK_ROLES)),  # the outcome of a 不满意 rating
    A.CLOSE_UNRATED: (_staff(CALLBACK_ROLES), SYSTEM),
    A.ARCHIVE: (_staff(CALLBACK_ROLES, Role.INTAKE), SYSTEM),
    A.REQUEST_EXTENSION: (LEAD_STAFF,),
    A.DECIDE_EXTENSION: (_staff(CENTRE_ROLES),),
    A.MERGE: (_staff(CENTRE_ROLES),),
    A.REVEAL_CONTACT: (_staff(REVEAL_ROLES),),
    A.WARNING: (SYSTEM,),
    A.OVERDUE: (SYSTEM,),
    A.TO_CALLBACK: (SYSTEM,),
    A.SUPERVISE: (_staff(SUPERVISOR_ROLES), SYSTEM),
    # Narrowed to the order's unit; an order to the centre (no unit yet) is the centre's.
    A.SUPERVISE_REPLY: (Rule(Party.STAFF, UNIT_ROLES), _staff(CENTRE_ROLES)),
    A.SUPERVISE_ESCALATE: (SYSTEM,),
    A.OVERSIGHT_SHARE: (_staff(SUPERVISOR_ROLES),),
    A.OVERSIGHT_EVALUATE: (_staff(Role.OVERSIGHT),),
    A.EMERGENCY: (SYSTEM,),
    A.EMERGENCY_ALERT: (SYSTEM,),
    A.SUPERVISE_CLOSE: (SYSTEM,),
    A.CO_SIGN: (CO_STAFF,),
    A.CO_RETURN: (CO_STAFF,),
    A.CO_OPINION: (CO_STAFF,),
    A.CO_DECIDE: (_staff(CENTRE_ROLES),),  # keep the unit on, or release it
    A.CO_PROCEED: (LEAD_STAFF,),  # the lead replies before every part is in, saying why
    A.CO_WARNING: (SYSTEM,),
    A.CO_OVERDUE: (SYSTEM,),
    A.UNIT_APPROVE: (LEAD_HEAD,),
    A.UNIT_SEND_BACK: (LEAD_HEAD,),
    A.CASE_NOMINATE: (
        _staff(CENTRE_ROLES, REVIEW_ROLES, CALLBACK_ROLES, SUPERVISOR_ROLES),
        LEAD_HEAD,
    ),
    A.CASE_PUBLISH: (_staff(REVIEW_ROLES),),
    A.CASE_WITHDRAW: (_staff(REVIEW_ROLES),),
    # crosscity: the dispatcher hands a request to the city it belongs to; which states
    # allow it is crosscity.services' check (no page button yet, so not in TRANSITIONS).
    A.TRANSFER_OUT: (_staff(CENTRE_ROLES),),
    A.TRANSFER_IN: (SYSTEM,),
    A.TRANSFER_PROGRESS: (SYSTEM,),
    A.JOINT_SUPERVISE: (_staff(SUPERVISOR_ROLES), SYSTEM),
    A.VIDEO_REQUEST: (OWNER,),
    A.VIDEO_SCHEDULE: (_staff(CENTRE_ROLES),),
    A.VIDEO_CONFIRM: (Rule(Party.STAFF, UNIT_ROLES),),  # narrowed to an invited unit
    A.VIDEO_HELD: (_staff(CENTRE_ROLES),),
    **dict.fromkeys((A.VIDEO_RESCHEDULE, A.VIDEO_CANCEL), (_staff(CENTRE_ROLES),)),
    A.CITY_EVENT: (SYSTEM,),  # written by the centre's calls (cityevents.services)
}


# ---- the state machine --------------------------------------------------------------------


def check_transition(status: str, action: str) -> str | None:
    """The target state of `action` from `status`, or a Conflict explaining why not."""
    sources, target = TRANSITIONS[Action(action)]
    if status not in sources:
        raise Conflict(
            f"该诉求当前状态为「{Status(status).label}」，不能执行「{ACTION_LABELS[action]}」，"
            "可能已被他人处理，请刷新后重试",
            code="invalid_transition",
        )
    return target


def legal_actions(status: str) -> list[Action]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


# ---- who may act ----------------------------------------------------------------------------


def is_unit_staff_over(user: User | None, unit_path: str | None) -> bool:
    """Staff of this unit, or of a unit above it (a district acts for its streets)."""
    if user is None or not user.is_active or user.role not in UNIT_ROLES:
        return False
    if not unit_path or user.unit is None:
        return False
    return unit_path.startswith(user.unit.path)


def is_lead_staff(user: User | None, ticket: Ticket) -> bool:
    lead = ticket.lead_unit if ticket.lead_unit_id else None
    return is_unit_staff_over(user, lead.path if lead else None)


def co_part_of(user: User | None, ticket: Ticket) -> Assignment | None:
    """The active co-handling part this staff member may act for on the request."""
    if user is None or not user.is_active or user.role not in UNIT_ROLES or user.unit is None:
        return None
    return (
        ticket.assignments.filter(
            role=Assignment.Role.CO, active=True, unit__path__startswith=user.unit.path
        )
        .select_related("unit")
        .order_by("id")
        .first()
    )


def is_owner(actor: Actor, ticket: Ticket) -> bool:
    if actor.holds_code and actor.holds_code == ticket.tracking_code:
        return True
    return bool(actor.citizen_phone and actor.citizen_phone == ticket.submitter_phone)


def require_owner(actor: Actor, ticket: Ticket) -> None:
    if not is_owner(actor, ticket):
        raise PermissionDenied("只有诉求人本人可以进行此操作", code="not_owner")


def _co_part(actor: Actor, ticket: Ticket | None, actions: Iterable[str]) -> Assignment | None:
    """The actor's co-handling part, looked up only when one of `actions` has a co rule."""
    rules = (rule for action in actions for rule in PERMISSIONS[Action(action)])
    if ticket is None or not any(rule.party == Party.CO for rule in rules):
        return None
    return co_part_of(actor.user, ticket)


def _admits(rule: Rule, actor: Actor, ticket: Ticket | None, co_part: Assignment | None) -> bool:
    if rule.party == Party.ANYONE:
        return True
    if rule.party == Party.SYSTEM:
        return actor.system
    if rule.party == Party.OWNER:
        return ticket is not None and actor.user is None and is_owner(actor, ticket)
    if not actor.has_role(*rule.roles):
        return False
    if rule.party == Party.LEAD:
        return ticket is not None and is_lead_staff(actor.user, ticket)
    if rule.party == Party.CO:
        return co_part is not None
    return True


# A co-handling part not given: look it up (`co_part_of`) if a rule needs it.
LOOK_UP = ...


def permits(
    actor: Actor,
    ticket: Ticket | None,
    action: str,
    *,
    status: str | None = None,
    co_part: Assignment | None | EllipsisType = LOOK_UP,
) -> bool:
    """Whether a rule admits the actor; with `status`, only the rules that hold in it. A
    caller that has already looked up the actor's co-handling part passes it."""
    if co_part is LOOK_UP:
        co_part = _co_part(actor, ticket, [action])
    return any(
        _admits(rule, actor, ticket, co_part)
        for rule in PERMISSIONS[Action(action)]
        if status is None or rule.states is None or status in rule.states
    )


def role_may(user: User, action: str) -> bool:
    """Whether the user's role appears in any staff rule of the action (pages without a
    request: may this user open supervision, reveal contacts, ...)."""
    return user.is_active and any(user.role in rule.roles for rule in PERMISSIONS[Action(action)])


def require_allowed(
    actor: Actor,
    ticket: Ticket,
    action: str,
    *,
    co_part: Assignment | None | EllipsisType = LOOK_UP,
) -> str | None:
    """The one check every service makes on its locked request: the actor may take the
    action (else 403), the state allows it (else 409), and the actor may take it in this
    state (else 403). Returns the target state, as `check_transition`."""
    if co_part is LOOK_UP:
        co_part = _co_part(actor, ticket, [action])
    if not permits(actor, ticket, action, co_part=co_part):
        raise _refusal(actor, action)
    target = check_transition(ticket.status, action) if action in TRANSITIONS else None
    if not permits(actor, ticket, action, status=ticket.status, co_part=co_part):
        raise _refusal(actor, action)
    return target


def require_co_part(actor: Actor, ticket: Ticket, action: str) -> Assignment:
    """`require_allowed` for a co-handling unit's action; returns the actor's part."""
    part = co_part_of(actor.user, ticket)
    require_allowed(actor, ticket, action, co_part=part)
    assert part is not None  # the table admitted the actor as a co-unit's staff
    return part


def _refusal(actor: Actor, action: str) -> PermissionDenied:
    rules = PERMISSIONS[Action(action)]
    if actor.user is None and any(r.party == Party.OWNER for r in rules):
        return PermissionDenied("只有诉求人本人可以进行此操作", code="not_owner")
    if actor.user is not None and any(
        actor.has_role(*r.roles) and r.party == Party.LEAD for r in rules
    ):
        return PermissionDenied("该诉求不由您所在单位主办", code="not_your_unit")
    if actor.user is not None and any(
        actor.has_role(*r.roles) and r.party == Party.CO for r in rules
    ):
        return PermissionDenied("您所在单位不是该诉求的协办单位", code="not_co_unit")
    return PermissionDenied("您没有执行此操作的权限", code="forbidden_role")


def may_act(user: User, ticket: Ticket, action: str) -> bool:
    """Whether the user's role and unit allow `action` on this request, whatever its state:
    an action allowed a moment ago but now illegal (a colleague acted first) then reads as
    a conflict from the service, not a refusal."""
    return permits(Actor.staff(user), ticket, action)


# The usual next step first, refusals and send-backs last.
ORDER: list[Action] = [
    A.DISPATCH,
    A.ACCEPT,
    A.ANSWER,
    A.SIGN,
    A.REPLY,
    A.UNIT_APPROVE,
    A.APPROVE,
    A.RATE,
    A.CO_SIGN,
    A.CO_OPINION,
    A.CO_DECIDE,
    A.DECIDE_EXTENSION,
    A.REQUEST_EXTENSION,
    A.REQUEST_INFO,
    A.ARCHIVE,
    A.CLOSE_UNRATED,
    A.SEND_BACK,
    A.UNIT_SEND_BACK,
    A.RETURN,
    A.CO_RETURN,
    A.MERGE,
    A.REJECT,
]


def allowed_actions(
    user: User, ticket: Ticket, *, co_part: Assignment | None | EllipsisType = LOOK_UP
) -> list[Action]:
    """The actions to offer this user now: legal in the current state, permitted in it,
    and meaningful (a pending extension to decide, a type that may be answered directly).
    A page that shows the user's co-handling part passes it (`co_part_of`)."""
    actor, legal = Actor.staff(user), legal_actions(ticket.status)
    part = _co_part(actor, ticket, legal) if co_part is LOOK_UP else co_part
    actions = [
        a
        for a in legal
        if permits(actor, ticket, a, status=ticket.status, co_part=part)
        and _meaningful(ticket, a, part)
    ]
    return sorted(actions, key=lambda a: ORDER.index(a) if a in ORDER else len(ORDER))


# The co-part states from which each co action may be taken (the services check the same).
CO_PART_FROM: dict[str, frozenset[str]] = {
    A.CO_SIGN: frozenset({Assignment.PartStatus.PENDING}),
    A.CO_RETURN: frozenset({Assignment.PartStatus.PENDING, Assignment.PartStatus.SIGNED}),
    A.CO_OPINION: frozenset({Assignment.PartStatus.SIGNED}),
}


def _meaningful(ticket: Ticket, action: Action, part: Assignment | None) -> bool:
    pending = ticket.extensions.filter(decision=Extension.Decision.PENDING).exists
    if action in CO_PART_FROM:
        return part is not None and part.status in CO_PART_FROM[action]
    if action == A.CO_DECIDE:
        return ticket.assignments.filter(
            role=Assignment.Role.CO, active=True, status=Assignment.PartStatus.RETURNED
        ).exists()
    if action == A.ANSWER:
        return ticket.request_type.direct_answer
    if action == A.DECIDE_EXTENSION:
        return pending()
    if action == A.REQUEST_EXTENSION:
        return not pending()
    return True
