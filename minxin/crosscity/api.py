"""Staff endpoints of cross-city transfer, mounted under /api/v1/staff (docs/interop.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema

from minxin.accounts.http import StaffRequest
from minxin.core.api_errors import ErrorOut
from minxin.crosscity import services
from minxin.crosscity.models import JointSupervision, Peer, Transfer
from minxin.tickets.actors import Actor
from minxin.tickets.selectors import ticket_for_staff

router = Router(tags=["crosscity"])
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 429)}
Id = Path(..., ge=1, le=2**53)


class PeerOut(Schema):
    code: str
    name: str


class TransferIn(Schema):
    peer: str = Field(..., max_length=30, description="协作城市代码")
    reason: str = Field(..., max_length=1000, description="转办理由")


class OriginStepOut(Schema):
    """A step of the origin's public timeline, as its citizen read it."""

    at: str
    action: str
    text: str | None = None
    unit: str | None = None


class OriginOut(Schema):
    """What came with a received transfer (docs/interop.md, the signed message), less the
    sealed contact."""

    origin_city: str = ""
    tracking_code: str = ""
    submitted_at: str = ""
    request_type: str = ""
    title: str = ""
    content: str = ""
    category: list[str] = []
    district: str = ""
    latitude: str | None = None
    longitude: str | None = None
    anonymous: bool = True
    timeline: list[OriginStepOut] = []
    reason: str = ""


class TransferOut(Schema):
    uid: uuid.UUID
    direction: str
    peer: str = Field(..., alias="peer.name")
    ticket_id: int
    remote_code: str
    reason: str
    # Received transfers: what came with it (the origin's public timeline, category, unit);
    # null for a transfer this city sent.
    origin: OriginOut | None
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    delivered: bool

    @staticmethod
    def resolve_origin(transfer: Transfer) -> dict[str, Any] | None:
        return transfer.origin or None

    @staticmethod
    def resolve_delivered(transfer: Transfer) -> bool:
        """Every message of this transfer that this city sent has reached the peer."""
        return not transfer.messages.filter(delivered_at=None).exists()


class SuperviseIn(Schema):
    note: str = Field(..., max_length=1000, description="督办意见")


class JointOut(Schema):
    transfer: uuid.UUID = Field(..., alias="transfer.uid")
    asked_by: str
    note: str
    at: dt.datetime


@router.get("/crosscity/peers", response={200: list[PeerOut], **ERRORS})
def peers(request: HttpRequest) -> list[Peer]:
    return list(Peer.objects.filter(is_active=True).order_by("name"))


@router.post("/requests/{ticket_id}/transfer", response={201: TransferOut, **ERRORS})
def transfer(
    request: StaffRequest, payload: TransferIn, ticket_id: int = Id
) -> tuple[int, Transfer]:
    """转外市办理: the request is closed here and sent, signed, to the city it belongs to."""
    user = request.user
    ticket_for_staff(user=user, ticket_id=ticket_id)  # one you cannot see, you cannot move
    made = services.transfer_send(
        ticket_id=ticket_id, peer_code=payload.peer, actor=Actor.staff(user), reason=payload.reason
    )
    return 201, made


@router.get("/requests/{ticket_id}/transfers", response={200: list[TransferOut], **ERRORS})
def transfers(request: StaffRequest, ticket_id: int = Id) -> list[Transfer]:
    ticket = ticket_for_staff(user=request.user, ticket_id=ticket_id)
    return list(ticket.crosscity_transfers.select_related("peer"))


@router.post("/transfers/{uid}/supervise", response={201: JointOut, **ERRORS})
def supervise(
    request: StaffRequest, uid: uuid.UUID, payload: SuperviseIn
) -> tuple[int, JointSupervision]:
    """联合督办: ask the city handling a request we transferred to supervise it."""
    joint = services.joint_supervise(
        transfer_uid=str(uid), actor=Actor.staff(request.user), note=payload.note
    )
    return 201, joint
