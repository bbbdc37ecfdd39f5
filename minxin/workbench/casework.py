"""The workbench's writes beyond the workflow actions: supervision orders (督办), the
oversight group (监督小组) and inbox read marks. Each function fetches what the page names
within the user's scope, reads the form, and calls the one service that owns the change;
the services check the role again."""

from __future__ import annotations

from django.http import QueryDict

from minxin.accounts.models import User
from minxin.core import clock
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.notify.models import InboxMessage
from minxin.org.models import Unit
from minxin.supervision import oversight
from minxin.supervision import services as sup
from minxin.supervision.models import OversightEvaluation, SupervisionOrder
from minxin.supervision.records import Period
from minxin.supervision.selectors import inbox_for, orders_visible_to, unit_record
from minxin.tickets import selectors
from minxin.tickets.actors import Actor
from minxin.workbench.actions import parse_ints
from minxin.workbench.permissions import may_read_orders, may_read_record

MAX_MEMBERS = 50


def order_for_staff(*, user: User, order_id: int) -> SupervisionOrder:
    """The order if the user's role reads orders (403 otherwise) and it is in their scope
    (404 otherwise: another unit's orders do not exist for them)."""
    if not may_read_orders(user):
        raise PermissionDenied("您的角色不能查看督办单", code="forbidden_role")
    order = orders_visible_to(user).filter(pk=order_id).first()
    if order is None:
        raise NotFound("督办单不存在或您无权查看", code="order_not_found")
    return order


def order_open(*, user: User, ticket_id: int, data: QueryDict) -> SupervisionOrder:
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    return sup.supervision_open(
        ticket_id=ticket.pk, actor=Actor.staff(user), note=data.get("note", "")
    )


def order_respond(*, user: User, order_id: int, data: QueryDict) -> SupervisionOrder:
    order = order_for_staff(user=user, order_id=order_id)
    return sup.supervision_respond(
        order_id=order.pk, actor=Actor.staff(user), response=data.get("response", "")
    )


def order_close(*, user: User, order_id: int, data: QueryDict) -> SupervisionOrder:
    order = order_for_staff(user=user, order_id=order_id)
    note = data.get("note", "").strip()
    if len(note) > 1000:
        raise ValidationFailed("办结说明不能超过1000字", code="too_long", field="note")
    return sup.supervision_close(
        order_id=order.pk, actor=Actor.staff(user), outcome=data.get("outcome", ""), note=note
    )


def case_share(*, user: User, ticket_id: int, data: QueryDict) -> int:
    """Share a published or closed case with the chosen oversight members; returns how many
    were new (sharing twice with one member changes nothing)."""
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    member_ids = parse_ints(data, "member_ids", "监督小组成员")
    if len(member_ids) > MAX_MEMBERS:
        raise ValidationFailed(f"一次最多选择{MAX_MEMBERS}人", code="too_many", field="member_ids")
    return oversight.oversight_share(
        ticket_id=ticket.pk, actor=Actor.staff(user), member_ids=member_ids
    )


def case_evaluate(*, user: User, ticket_id: int, data: QueryDict) -> OversightEvaluation:
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    return oversight.oversight_evaluate(
        ticket_id=ticket.pk,
        actor=Actor.staff(user),
        timeliness=data.get("timeliness", ""),
        quality=data.get("quality", ""),
        attitude=data.get("attitude", ""),
        comment=data.get("comment", ""),
    )


def inbox_mark_read(*, user: User, message_ids: list[int] | None = None) -> int:
    """Mark the user's unread messages read: the ones named, or all of them. A message
    addressed to a unit is one row, so reading it marks it read for the whole unit."""
    mine = inbox_for(user)
    if message_ids is not None:
        if mine.filter(pk__in=message_ids).count() != len(set(message_ids)):
            raise NotFound("消息不存在或不是发给您的", code="message_not_found")
        mine = mine.filter(pk__in=message_ids)
    unread = mine.filter(read_at=None).values("pk")
    return InboxMessage.objects.filter(pk__in=unread).update(read_at=clock.now())


def record_for_staff(*, user: User, unit_id: int, period: Period) -> tuple[Unit, dict]:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("单位不存在", code="unit_not_found")
    if not may_read_record(user, unit):
        raise PermissionDenied("您无权查看该单位的考核记录", code="forbidden_role")
    return unit, unit_record(unit, period)
