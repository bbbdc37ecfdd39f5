"""Staff endpoints for supervision, the inbox, the oversight group and unit records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Query, Router, Schema

from minxin.accounts.http import StaffRequest
from minxin.api.errors import Limit
from minxin.api.records_out import UnitRecordOut
from minxin.api.staff import ERRORS
from minxin.api.ticket_out import StaffTicketOut
from minxin.core.errors import NotFound
from minxin.supervision import oversight, records, selectors
from minxin.supervision import services as sup
from minxin.supervision.models import SupervisionOrder
from minxin.tickets import selectors as ticket_selectors
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.workbench.casework import record_for_staff

router = Router(tags=["supervision"])


class OrderOut(Schema):
    id: int
    ticket_id: int
    tracking_code: str
    unit: str
    reason: str
    level: int
    state: str
    note: str
    opened_at: dt.datetime
    respond_by: dt.datetime
    response: str
    outcome: str


class InboxOut(Schema):
    id: int
    event: str
    text: str
    ticket_id: int | None
    created_at: dt.datetime
    read: bool


class SuperviseIn(Schema):
    note: Annotated[str, Limit("督办意见", 1000)]


class RespondIn(Schema):
    response: Annotated[str, Limit("督办回复", 5000)]


class CloseIn(Schema):
    outcome: str
    note: Annotated[str, Limit("办结说明", 1000)] = ""


class ShareIn(Schema):
    member_ids: list[int] = Field(..., max_length=50)


class EvaluateIn(Schema):
    timeliness: str
    quality: str
    attitude: str
    comment: Annotated[str, Limit("评议意见", 2000)] = ""


def _order(o: SupervisionOrder) -> dict[str, object]:
    return {
        "id": o.pk,
        "ticket_id": o.ticket_id,
        "tracking_code": o.ticket.tracking_code,
        "unit": o.addressee,
        "reason": o.reason,
        "level": o.level,
        "state": o.state,
        "note": o.note,
        "opened_at": o.opened_at,
        "respond_by": o.respond_by,
        "response": o.response,
        "outcome": o.outcome,
    }


@router.get("/supervision", response={200: list[OrderOut], **ERRORS})
def list_orders(
    request: StaffRequest, state: str | None = None, limit: int = Query(100, ge=1, le=500)
) -> list[dict]:
    orders = selectors.orders_visible_to(request.user)
    if state:
        orders = orders.filter(state=state)
    return [_order(o) for o in orders[:limit]]


@router.post("/requests/{ticket_id}/supervise", response={200: OrderOut, **ERRORS})
def supervise(request: StaffRequest, ticket_id: int, payload: SuperviseIn) -> dict:
    user = request.user
    ticket_selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    return _order(
        sup.supervision_open(ticket_id=ticket_id, actor=Actor.staff(user), note=payload.note)
    )


def _visible_order(request: StaffRequest, order_id: int) -> int:
    if not selectors.orders_visible_to(request.user).filter(pk=order_id).exists():
        raise NotFound("督办单不存在或您无权查看", code="order_not_found")
    return order_id


@router.post("/supervision/{order_id}/respond", response={200: OrderOut, **ERRORS})
def respond(request: StaffRequest, order_id: int, payload: RespondIn) -> dict:
    order = sup.supervision_respond(
        order_id=_visible_order(request, order_id),
        actor=Actor.staff(request.user),
        response=payload.response,
    )
    return _order(order)


@router.post("/supervision/{order_id}/close", response={200: OrderOut, **ERRORS})
def close(request: StaffRequest, order_id: int, payload: CloseIn) -> dict:
    order = sup.supervision_close(
        order_id=_visible_order(request, order_id),
        actor=Actor.staff(request.user),
        outcome=payload.outcome,
        note=payload.note,
    )
    return _order(order)


@router.get("/inbox", response={200: list[InboxOut], **ERRORS})
def inbox(request: StaffRequest, limit: int = Query(50, ge=1, le=200)) -> list[dict]:
    return [
        {
            "id": m.pk,
            "event": m.event,
            "text": m.text,
            "ticket_id": m.ticket_id,
            "created_at": m.created_at,
            "read": m.read_at is not None,
        }
        for m in selectors.inbox_for(request.user)[:limit]
    ]


class SharedOut(Schema):
    shared: int = Field(..., description="members the case was newly shared with")


@router.post("/requests/{ticket_id}/oversight-share", response={200: SharedOut, **ERRORS})
def share(request: StaffRequest, ticket_id: int, payload: ShareIn) -> dict:
    user = request.user
    ticket_selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    made = oversight.oversight_share(
        ticket_id=ticket_id, actor=Actor.staff(user), member_ids=payload.member_ids
    )
    return {"shared": made}


@router.post("/requests/{ticket_id}/evaluation", response={200: StaffTicketOut, **ERRORS})
def evaluate(request: StaffRequest, ticket_id: int, payload: EvaluateIn) -> Ticket:
    user = request.user
    ticket = ticket_selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    oversight.oversight_evaluate(ticket_id=ticket.pk, actor=Actor.staff(user), **payload.dict())
    return ticket


@router.get("/units/{unit_id}/record", response={200: UnitRecordOut, **ERRORS})
def record(request: StaffRequest, unit_id: int) -> dict:
    """A unit's record over `from`/`to` (dates) or `period` (this_month, last_month,
    this_year); default this month. Figures as defined in `minxin.supervision.records`."""
    period = records.period_from(request.GET)
    return record_for_staff(user=request.user, unit_id=unit_id, period=period)[1]
