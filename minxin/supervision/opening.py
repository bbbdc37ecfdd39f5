"""Opening supervision orders (督办单), one or a thousand at a time.

A supervisor, an unsatisfied rating, a late co-handling unit or a transferred request's
question opens one order (`open_order`); the deadline sweep's red pass opens one for each
overdue request of its batch (`open_orders`). Both run this one code, in a few queries
whatever the number, so an order is written the same way however it was opened: the
order, its "open" event, the request's internal "supervise" step (chained like every step),
the addressee's inbox message and emails to its staff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.notify.models import EmailMessage, InboxMessage
from minxin.notify.services import email_queue_many, inbox_post_many, render, template_text
from minxin.org.models import Unit
from minxin.sla.deadlines import due_after
from minxin.supervision.models import LIVE_STATES, SupervisionEvent, SupervisionOrder
from minxin.tickets.actors import Actor
from minxin.tickets.models import Stage, Ticket
from minxin.tickets.timeline import record_many

Order = SupervisionOrder
# What opening an order reads of its request (and crosscity of its step, the channel):
# load only these to open many.
OPENING_FIELDS = [
    "tracking_code",
    "channel",
    "title",
    "status",
    "stage",
    "lead_unit_id",
    "created_at",
    "closed_at",
]


@dataclass(frozen=True)
class Opening:
    """An order to open on TICKET with NOTE, to UNIT_ID (None: `order_addressee`)."""

    ticket: Ticket
    note: str = ""
    unit_id: int | None = None


def open_order(
    ticket: Ticket, *, reason: str, actor: Actor, note: str = "", unit_id: int | None = None
) -> Order | None:
    """Open a live order unless one for this unit and reason is already open (then None). It
    goes to `unit_id` when given (a late co-handling unit, `supervision.coparts`), else to the
    unit holding the request, or to the centre while no unit does."""
    return open_orders([Opening(ticket, note, unit_id)], reason=reason, actor=actor)[0]


def open_orders(openings: Sequence[Opening], *, reason: str, actor: Actor) -> list[Order | None]:
    """`open_order` for each opening, in order: the order opened, or None where the request
    already has a live order for that unit and reason."""
    now = clock.now()
    respond_by = due_after(now, settings.SUPERVISION_ESCALATE_DAYS)
    planned = [
        Order(
            ticket=opening.ticket,
            unit_id=opening.unit_id or order_addressee(opening.ticket),
            reason=reason,
            note=opening.note,
            opened_at=now,
            opened_by=actor.user,
            respond_by=respond_by,
            escalate_at=respond_by,
        )
        for opening in openings
    ]
    orders = _insert(planned, reason=reason)
    opened = [order for order in orders if order is not None]
    if opened:
        _written(opened, actor=actor)
    return orders


def _insert(planned: list[Order], *, reason: str) -> list[Order | None]:
    """Insert the orders no live one stands in the way of (one live order per request, unit
    and reason). Every path that opens orders locks the request first, except a late
    co-handling unit's: should one slip in between the check and the insert, the orders go
    in one at a time and the clashing one is left out."""
    live: set[tuple[int, int | None]] = set(
        Order.objects.filter(
            ticket_id__in=[order.ticket_id for order in planned],
            reason=reason,
            state__in=LIVE_STATES,
        ).values_list("ticket_id", "unit_id")
    )
    orders: list[Order | None] = []
    for order in planned:
        key = (order.ticket_id, order.unit_id)
        orders.append(None if key in live else order)
        live.add(key)
    fresh = [order for order in orders if order is not None]
    try:
        with transaction.atomic():
            Order.objects.bulk_create(fresh)
    except IntegrityError:
        return [order if order is not None and _insert_one(order) else None for order in orders]
    return orders


def _insert_one(order: Order) -> bool:
    order.pk = None  # a batch rolled back may have numbered it
    try:
        with transaction.atomic():
            order.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def _written(orders: list[Order], *, actor: Actor) -> None:
    """What opening an order writes besides it: its event, the request's step, the notices."""
    units = Unit.objects.select_related("parent").in_bulk(
        {order.unit_id for order in orders if order.unit_id}
    )
    for order in orders:
        order.unit = units.get(order.unit_id) if order.unit_id else None
    SupervisionEvent.objects.bulk_create(
        SupervisionEvent(
            order=order,
            at=clock.now(),
            action="open",
            actor=actor.user,
            actor_label=actor.label,
            note=order.note,
        )
        for order in orders
    )
    record_many(
        [
            (
                order.ticket,
                f"督办（{order.get_reason_display()}）：{order.note}".rstrip("："),
                order.unit,
            )
            for order in orders
        ],
        actor=actor,
        action="supervise",
        public=False,
    )
    notify_orders(orders, [order.note or order.get_reason_display() for order in orders])


def notify_orders(orders: Sequence[Order], notes: Sequence[str]) -> None:
    """Tell each order's addressee, at the order's level, what it is about (NOTE): the
    inbox of its unit (of the centre, for an order to it) and emails to its staff (`addressed`)."""
    template = template_text("supervision")
    staff: dict[tuple[int | None, int], list[User]] = {}
    inbox, emails = [], []
    for order, note in zip(orders, notes, strict=True):
        ticket = order.ticket
        text = render(
            "supervision",
            template=template,
            code=ticket.display_code,
            title=ticket.title,
            note=note,
            due=f"{order.respond_by:%Y-%m-%d}",
        )
        key = f"supervision:{order.pk}:{order.level}"
        inbox.append(
            InboxMessage(
                idempotency_key=key,
                event="supervision",
                text=text,
                unit_id=order.unit_id,
                ticket_id=ticket.pk,
                created_at=clock.now(),
            )
        )
        addressee = (order.unit_id, order.level)
        if addressee not in staff:
            staff[addressee] = addressed(order.unit, order.level)
        emails += [
            EmailMessage(
                to=user.email,
                subject="督办通知",
                body=text,
                idempotency_key=f"{key}:{user.pk}",
                event="supervision",
                ticket_id=ticket.pk,
            )
            for user in staff[addressee]
            if user.email
        ]
    inbox_post_many(inbox)
    email_queue_many(emails)


def addressed(unit: Unit | None, level: int) -> list[User]:
    """Whom an order to UNIT at LEVEL is addressed to: its handlers and head, then its head,
    then the head of the unit above it; the centre's intake staff for an order to the centre."""
    if unit is None:
        return list(User.objects.filter(role=Role.INTAKE, is_active=True))
    if level >= Order.Level.SUPERIOR and unit.parent is not None:
        unit = unit.parent
    roles = [Role.HANDLER, Role.UNIT_HEAD] if level == Order.Level.HANDLER else [Role.UNIT_HEAD]
    return list(User.objects.filter(unit=unit, role__in=roles, is_active=True))


def order_addressee(ticket: Ticket) -> int | None:
    """The unit answerable for the request now: the lead unit while it signs and handles;
    the centre (None) while the request waits to be accepted, dispatched or reviewed; after
    that, the unit that led it last."""
    if ticket.stage in (Stage.SIGN, Stage.REPLY) and ticket.lead_unit_id:
        return ticket.lead_unit_id
    if ticket.stage in (Stage.ACCEPT, Stage.DISPATCH, Stage.REVIEW):
        return None
    return ticket.lead_unit_id or _last_lead_unit(ticket)


def _last_lead_unit(ticket: Ticket) -> int | None:
    row = ticket.assignments.filter(role="lead").order_by("-id").values_list("unit_id").first()
    return row[0] if row else None
