"""Reads of requests, always scoped to who is asking (分级授权)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from minxin.accounts.models import Role, User
from minxin.core.errors import NotFound
from minxin.encryption.crypto import phone_index
from minxin.tickets.models import (
    Assignment,
    Extension,
    OversightShare,
    Reply,
    Stage,
    Status,
    Ticket,
    TimelineEvent,
)
from minxin.tickets.timeline import CITIZEN_ACTIONS
from minxin.tickets.workflow import CO_STATES

# Lists never show personal data: leave it (and its decryption) out of their rows.
LIST_DEFERRED = [
    "address",
    "submitter_name",
    "submitter_phone",
    "submitter_phone_index",
    "query_password_hash",
]


def tickets_visible_to(user: User) -> QuerySet[Ticket]:
    """Citywide roles see all; a unit's staff see what their unit or its sub-units handle;
    oversight members see only the cases shared with them."""
    tickets = Ticket.objects.select_related("request_type", "category", "lead_unit", "district")
    if not user.is_active:
        return tickets.none()
    if user.is_citywide:
        return tickets
    if user.role == Role.OVERSIGHT:
        shared = OversightShare.objects.filter(ticket=OuterRef("pk"), member=user)
        return tickets.filter(Exists(shared))
    if user.role in (Role.HANDLER, Role.UNIT_HEAD) and user.unit is not None:
        mine = Assignment.objects.filter(
            ticket=OuterRef("pk"), active=True, unit__path__startswith=user.unit.path
        )
        return tickets.filter(Exists(mine))
    return tickets.none()


def ticket_for_staff(*, user: User, ticket_id: int) -> Ticket:
    ticket = tickets_visible_to(user).filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("诉求不存在或您无权查看", code="ticket_not_found")
    return ticket


def queue(*, user: User, name: str) -> QuerySet[Ticket]:
    """The work waiting for this user, by queue name."""
    tickets = tickets_visible_to(user)
    if name == "intake":
        return tickets.filter(status__in=[Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED])
    if name == "inbox":
        return tickets.filter(
            status=Status.DISPATCHED, lead_unit__path__startswith=_unit_path(user)
        )
    if name == "handling":
        return tickets.filter(status=Status.SIGNED, lead_unit__path__startswith=_unit_path(user))
    if name == "review":
        return tickets.filter(status=Status.REPLIED)
    if name == "callback":
        # Citizens who did not rate within the rating window are called back.
        return tickets.filter(status=Status.PUBLISHED, stage=Stage.CALLBACK)
    if name == "extensions":
        # Few extensions wait at any time: start from them, not from every request.
        pending = Extension.objects.filter(decision=Extension.Decision.PENDING)
        return tickets.filter(pk__in=pending.values("ticket_id"))
    if name == "pending_info":
        return tickets.filter(status=Status.PENDING_INFO)
    if name == "co":
        # 协办: the parts this unit (or one below it) still owes a lead.
        owed = Assignment.objects.filter(
            ticket=OuterRef("pk"),
            role=Assignment.Role.CO,
            active=True,
            status__in=[Assignment.PartStatus.PENDING, Assignment.PartStatus.SIGNED],
            unit__path__startswith=_unit_path(user),
        )
        return tickets.filter(Exists(owed), status__in=CO_STATES)
    if name == "co_returned":
        returned = Assignment.objects.filter(
            ticket=OuterRef("pk"),
            role=Assignment.Role.CO,
            active=True,
            status=Assignment.PartStatus.RETURNED,
        )
        return tickets.filter(Exists(returned), status__in=CO_STATES)
    if name == "unit_review":
        return tickets.filter(
            status=Status.UNIT_REVIEW, lead_unit__path__startswith=_unit_path(user)
        )
    raise NotFound("队列不存在", code="queue_not_found")


QUEUE_NAMES = [
    "intake",
    "inbox",
    "handling",
    "review",
    "callback",
    "extensions",
    "pending_info",
    "co",
    "co_returned",
    "unit_review",
]


def _unit_path(user: User) -> str:
    # Citywide roles have no unit: their filter matches every unit.
    return user.unit.path if not user.is_citywide and user.unit is not None else "/"


def public_timeline(ticket: Ticket) -> QuerySet[TimelineEvent]:
    """The steps the citizen's timeline shows; present them with `timeline.citizen_event`."""
    return ticket.events.filter(public=True, action__in=CITIZEN_ACTIONS).select_related("unit")


def full_timeline(ticket: Ticket) -> QuerySet[TimelineEvent]:
    return ticket.events.select_related("unit", "actor")


def published_reply(ticket: Ticket) -> Reply | None:
    return ticket.replies.filter(review=Reply.Review.APPROVED).select_related("unit").last()


def citizen_tickets(*, phone: str) -> QuerySet[Ticket]:
    # Phones are stored encrypted; the keyed blind index is what can be searched.
    if not phone:
        return Ticket.objects.none()
    return (
        Ticket.objects.filter(submitter_phone_index=phone_index(phone))
        .select_related("request_type")
        .order_by("-created_at")
    )
