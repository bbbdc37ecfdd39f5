"""What a city does: hand a request to the city it belongs to, and ask that city to
supervise it (联合督办). What arrives from a peer is `inbound`'s."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.core.validation import check_text
from minxin.crosscity import seal, wire
from minxin.crosscity.models import JointSupervision, Message, Peer, Transfer
from minxin.org.models import Category
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import stop_clocks
from minxin.tickets.models import Status, Ticket
from minxin.tickets.selectors import public_timeline
from minxin.tickets.steps import lock, move
from minxin.tickets.timeline import citizen_timeline, record
from minxin.tickets.workflow import require_allowed

# A request may leave before a unit handles it: waiting for intake, accepted, or returned
# by the unit it was sent to (非本市事项). It then ends here as 已办结 (closed), and its
# progress in the other city keeps arriving on its timeline.
TRANSFER_FROM = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED})


def category_path(category: Category | None) -> list[str]:
    names: list[str] = []
    while category is not None:
        names.insert(0, category.name)
        category = category.parent
    return names


def transfer_payload(ticket: Ticket, *, peer: Peer, reason: str) -> dict[str, Any]:
    """What travels: the matter and its public history in clear, the citizen's contact and
    the address sealed to the receiving city's key."""
    contact = {
        "name": ticket.submitter_name,
        "phone": ticket.submitter_phone,
        "address": ticket.address,
    }
    timeline = [
        {"at": e["at"].isoformat(), "action": e["action"], "text": e["text"], "unit": e["unit"]}
        for e in citizen_timeline(public_timeline(ticket))
    ]
    return {
        "origin_city": settings.CITY_NAME,
        "tracking_code": ticket.tracking_code,
        "submitted_at": ticket.created_at.isoformat(),
        "request_type": ticket.request_type.code,
        "title": ticket.title,
        "content": ticket.content,
        "category": category_path(ticket.category),
        "district": ticket.district.name if ticket.district is not None else "",
        "latitude": None if ticket.latitude is None else str(ticket.latitude),
        "longitude": None if ticket.longitude is None else str(ticket.longitude),
        "anonymous": ticket.is_anonymous,
        "sealed_contact": seal.seal(seal.canonical(contact), peer.public_key),
        "timeline": timeline,
        "reason": reason,
    }


def active_peer(code: str) -> Peer:
    peer = Peer.objects.filter(code=code, is_active=True).first()
    if peer is None:
        raise ValidationFailed("协作城市不存在或未启用", code="invalid_peer", field="peer")
    return peer


@transaction.atomic
def transfer_send(*, ticket_id: int, peer_code: str, actor: Actor, reason: str) -> Transfer:
    """转外市办理: the request leaves our handling (closed here) and goes, signed, to the
    city it belongs to through the outbox."""
    reason = check_text(reason, field="reason", label="转办理由", max_length=1000)
    peer = active_peer(peer_code)
    ticket = lock(ticket_id)
    require_allowed(actor, ticket, Action.TRANSFER_OUT)
    if ticket.status not in TRANSFER_FROM:
        raise Conflict(
            f"该诉求当前状态为「{Status(ticket.status).label}」，不能转外市办理，"
            "可能已被他人处理，请刷新后重试",
            code="invalid_transition",
        )
    now = clock.now()
    transfer = Transfer.objects.create(
        direction=Transfer.Direction.OUT,
        peer=peer,
        ticket=ticket,
        reason=reason,
        created_at=now,
        created_by=actor.user,
    )
    body = transfer_payload(ticket, peer=peer, reason=reason)
    wire.queue(peer=peer, transfer=transfer, kind=Message.Kind.TRANSFER, body=body)
    fields = stop_clocks(ticket)
    move(
        ticket,
        actor=actor,
        action=Action.TRANSFER_OUT,
        to=Status.CLOSED,
        public_note=peer.name,
        note=f"转至{peer.name}（转办编号{transfer.uid}）：{reason}",
        fields=fields,
    )
    return transfer


@transaction.atomic
def joint_supervise(*, transfer_uid: str, actor: Actor, note: str) -> JointSupervision:
    """联合督办: ask the city now handling a request we transferred to supervise it; its
    order, and the answers to it, come back on our timeline."""
    note = check_text(note, field="note", label="督办意见", max_length=1000)
    transfer = (
        Transfer.objects.filter(uid=transfer_uid, direction=Transfer.Direction.OUT)
        .select_related("peer")
        .first()
    )
    if transfer is None:
        raise NotFound("转办记录不存在", code="transfer_not_found")
    ticket = lock(transfer.ticket_id)
    require_allowed(actor, ticket, Action.JOINT_SUPERVISE)
    asked_by = f"{settings.CITY_NAME}{actor.user.get_role_display() if actor.user else '系统'}"
    joint = JointSupervision.objects.create(
        transfer=transfer, asked_here=True, note=note, asked_by=asked_by, at=clock.now()
    )
    body = {"note": note, "asked_by": asked_by}
    wire.queue(peer=transfer.peer, transfer=transfer, kind=Message.Kind.SUPERVISE, body=body)
    record(
        ticket,
        actor=actor,
        action=Action.JOINT_SUPERVISE,
        note=f"请{transfer.peer.name}督办：{note}",
    )
    return joint
