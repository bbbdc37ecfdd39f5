"""Supervision orders: opened by the sweep, by an unsatisfied rating or by a supervisor
(`opening`); answered by the unit; escalated on a schedule; closed with an outcome that
counts."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from minxin.accounts.models import CENTRE_ROLES, UNIT_ROLES, Role, User
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.notify.services import inbox_post, render
from minxin.sla.deadlines import due_after
from minxin.supervision.models import LIVE_STATES, SupervisionEvent, SupervisionOrder
from minxin.supervision.opening import notify_orders, open_order
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import OPEN_STATUSES, Satisfaction, Ticket
from minxin.tickets.steps import lock
from minxin.tickets.timeline import record
from minxin.tickets.workflow import is_unit_staff_over, require_allowed, role_may

Order = SupervisionOrder


def _event(order: Order, *, actor: Actor, action: str, note: str = "") -> None:
    SupervisionEvent.objects.create(
        order=order,
        at=clock.now(),
        action=action,
        actor=actor.user,
        actor_label=actor.label,
        note=note,
    )


def order_may_respond(user: User | None, order: Order) -> bool:
    """The supervised unit's staff (or a unit above it) answer its orders; the centre's
    intake staff answer the centre's. Pages ask this too. The roles come from the table
    (SUPERVISE_REPLY); which of its rules applies depends on the order's unit, which the
    table's parties (the request's lead or co-handling units) cannot express."""
    if user is None or not role_may(user, Action.SUPERVISE_REPLY):
        return False
    if order.unit is None:
        return user.role in CENTRE_ROLES
    return user.role in UNIT_ROLES and is_unit_staff_over(user, order.unit.path)


def order_unsatisfied(ticket: Ticket, *, actor: Actor, note: str) -> Order | None:
    """不满意: an order, before the request is reopened or closed (`tickets.hooks`)."""
    return open_order(ticket, reason=Order.Reason.UNSATISFIED, actor=actor, note=note)


@transaction.atomic
def supervision_open(*, ticket_id: int, actor: Actor, note: str) -> Order:
    ticket = lock(ticket_id)
    require_allowed(actor, ticket, Action.SUPERVISE)
    note = (note or "").strip()
    if not note or len(note) > 1000:
        raise ValidationFailed("请填写督办意见（1000字以内）", code="required", field="note")
    if ticket.status not in OPEN_STATUSES:
        raise Conflict("该诉求已办结，不能督办", code="ticket_finished")
    order = open_order(ticket, reason=Order.Reason.MANUAL, actor=actor, note=note)
    if order is None:
        raise Conflict("该诉求已有进行中的人工督办", code="order_exists")
    return order


def _lock_request_of(ticket_id: int) -> None:
    """The request before its order: rating and the sweep lock the request and then its
    orders, so every path that holds both takes them in that order and none waits for the
    other in a cycle (a deadlock the soak found: a citizen rating while the unit answered
    the order; docs/operations.md)."""
    Ticket.objects.select_for_update().filter(pk=ticket_id).values_list("pk").first()


def _locked_order(order_id: int) -> Order:
    ticket_id = Order.objects.filter(pk=order_id).values_list("ticket_id", flat=True).first()
    if ticket_id is None:
        raise NotFound("督办单不存在", code="order_not_found")
    _lock_request_of(ticket_id)
    # Only the order is locked: its unit may be empty (an order to the centre), and
    # PostgreSQL cannot lock the nullable side of an outer join.
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("unit", "ticket")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound("督办单不存在", code="order_not_found")
    return order


@transaction.atomic
def supervision_respond(*, order_id: int, actor: Actor, response: str) -> Order:
    order = _locked_order(order_id)
    if not order_may_respond(actor.user, order):
        raise PermissionDenied("只有被督办单位可以回复", code="not_your_unit")
    response = (response or "").strip()
    if not response or len(response) > 5000:
        raise ValidationFailed("请填写督办回复（5000字以内）", code="required", field="response")
    if order.state != Order.State.OPEN:
        raise Conflict("该督办单已回复或已办结", code="order_not_open")
    order.state, order.response = Order.State.RESPONDED, response
    order.responded_by, order.responded_at = actor.user, clock.now()
    order.save(update_fields=["state", "response", "responded_by", "responded_at"])
    _event(order, actor=actor, action="respond", note=response)
    record(order.ticket, actor=actor, action="supervise_reply", public=False, note=response)
    return order


@transaction.atomic
def supervision_close(*, order_id: int, actor: Actor, outcome: str, note: str = "") -> Order:
    order = _locked_order(order_id)
    # Closing is the supervisors' part of supervising (the table's SUPERVISE rule).
    require_allowed(actor, order.ticket, Action.SUPERVISE)
    if outcome not in Order.Outcome.values:
        raise ValidationFailed("请选择督办结果", code="invalid_outcome", field="outcome")
    if order.state == Order.State.CLOSED:
        raise Conflict("该督办单已办结", code="order_closed")
    order.state, order.outcome = Order.State.CLOSED, outcome
    order.closed_by, order.closed_at = actor.user, clock.now()
    order.save(update_fields=["state", "outcome", "closed_by", "closed_at"])
    _event(order, actor=actor, action="close", note=f"{order.get_outcome_display()} {note}".strip())
    return order


def escalate_due(limit: int = 1000) -> int:
    """Raise every open order whose response is overdue one level; safe to run twice."""
    now = clock.now()
    due = Order.objects.filter(
        state=Order.State.OPEN, escalate_at__lte=now, level__lt=Order.Level.SUPERIOR
    ).values_list("pk", "level", "ticket_id")[:limit]
    escalated = 0
    for pk, level, ticket_id in list(due):
        with transaction.atomic():
            _lock_request_of(ticket_id)
            nxt = due_after(now, settings.SUPERVISION_ESCALATE_DAYS)
            if not Order.objects.filter(pk=pk, level=level, state=Order.State.OPEN).update(
                level=level + 1, escalate_at=nxt, respond_by=nxt
            ):
                continue  # another worker escalated it first
            order = Order.objects.select_related("ticket", "unit").get(pk=pk)
            label = order.get_level_display()
            _event(order, actor=Actor.system_actor(), action="escalate", note=f"升级至{label}")
            record(
                order.ticket,
                actor=Actor.system_actor(),
                action="supervise_escalate",
                public=False,
                note=f"督办未按期回复，升级至{label}",
            )
            notify_orders([order], [f"督办升级至{label}"])
            escalated += 1
    return escalated


# ---- an order follows its request ----------------------------------------------------------

DECIDE = "decide_asked"


def orders_follow(*, ticket: Ticket) -> int:
    """The request has finished: a satisfied citizen (满意/基本满意) closes its live orders,
    with an entry on each order and on the request; any other end (不满意 with no reopen
    left, not rated, rejected, merged) asks the supervisor to decide. Safe to run twice."""
    orders = list(_undecided_live().select_for_update().filter(ticket=ticket))
    satisfied = ticket.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC)
    for order in orders:
        if satisfied:
            _close_with_request(order, ticket)
        else:
            _ask_to_decide(order, ticket)
    return len(orders)


def _undecided_live() -> QuerySet[Order]:
    """Live orders the supervisor has not yet been asked to decide."""
    asked = SupervisionEvent.objects.filter(action=DECIDE).values("order_id")
    return Order.objects.filter(state__in=LIVE_STATES).exclude(pk__in=asked)


def _close_with_request(order: Order, ticket: Ticket) -> None:
    system = Actor.system_actor()
    verdict = Satisfaction(ticket.satisfaction).label
    order.state, order.outcome, order.closed_at = (
        Order.State.CLOSED,
        Order.Outcome.RESOLVED,
        clock.now(),
    )
    order.save(update_fields=["state", "outcome", "closed_at"])
    _event(
        order,
        actor=system,
        action="follow_close",
        note=f"诉求已办结（群众{verdict}），督办单随之办结",
    )
    record(
        ticket,
        actor=system,
        action="supervise_close",
        public=False,
        unit=order.unit,
        note=f"督办单{order.pk}（{order.get_reason_display()}）随诉求办结：群众{verdict}",
    )


def _ask_to_decide(order: Order, ticket: Ticket) -> None:
    how = (
        Satisfaction(ticket.satisfaction).label
        if ticket.satisfaction
        else ticket.get_status_display()
    )
    note = f"诉求已结束（{how}），督办单{order.pk}尚未办结，请决定督办结果"
    _event(order, actor=Actor.system_actor(), action=DECIDE, note=note)
    text = render("supervision_decide", code=ticket.display_code, title=ticket.title, note=note)
    opener = order.opened_by
    users = (
        [opener.pk]
        if opener is not None and opener.is_active and opener.role in (Role.SUPERVISOR, Role.ADMIN)
        else list(
            User.objects.filter(role=Role.SUPERVISOR, is_active=True).values_list("pk", flat=True)
        )
    )
    for user_id in users:
        inbox_post(
            key=f"{DECIDE}:{order.pk}:{user_id}",
            event="supervision_decide",
            text=text,
            user_id=user_id,
            ticket_id=ticket.pk,
        )


def orders_follow_due(limit: int = 1000) -> int:
    """The sweep's part: live orders whose request finished by any path."""
    tickets = (
        _undecided_live()
        .exclude(ticket__status__in=OPEN_STATUSES)
        .values_list("ticket_id", flat=True)
        .distinct()[:limit]
    )
    followed = 0
    for ticket_id in list(tickets):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
            followed += orders_follow(ticket=ticket)
    return followed
