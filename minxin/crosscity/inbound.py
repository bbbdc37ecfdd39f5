"""What arrives from a peer city, once its signature has been checked (`wire`).

Each message is taken at most once: its id is unique per sender (`Received`), and a
transfer's id once per direction (`Transfer`), both in the transaction that acts on it, so
a message delivered again (the sender never saw our answer) changes nothing and is answered
as before. A message that fails does so entirely: nothing of it is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from minxin.core import clock
from minxin.core.errors import Conflict, ValidationFailed
from minxin.crosscity import seal
from minxin.crosscity.models import JointSupervision, Message, Received, Transfer
from minxin.crosscity.wire import Arrival
from minxin.org.models import Category, Unit
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.services import open_order
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import OPEN_STATUSES, Channel
from minxin.tickets.steps import lock
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.timeline import record

SYSTEM = Actor.system_actor()


def receive(arrival: Arrival) -> dict[str, Any]:
    """Act on a verified message; the answer for the sender (the same when repeated)."""
    if Received.objects.filter(peer=arrival.peer, message_id=arrival.message_id).exists():
        return _answer(arrival, duplicate=True)
    try:
        with transaction.atomic():
            transfer = HANDLERS[arrival.kind](arrival)
            Received.objects.create(
                peer=arrival.peer,
                message_id=arrival.message_id,
                kind=arrival.kind,
                transfer=transfer,
                received_at=clock.now(),
            )
    except IntegrityError:
        # The same message or transfer, taken by a concurrent delivery a moment ago.
        return _answer(arrival, duplicate=True)
    return _answer(arrival, duplicate=False)


def _answer(arrival: Arrival, *, duplicate: bool) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "ok": True,
        "duplicate": duplicate,
        "transfer": str(arrival.transfer_id),
    }
    if arrival.kind == Message.Kind.TRANSFER:
        transfer = Transfer.objects.filter(
            uid=arrival.transfer_id, direction=Transfer.Direction.IN, peer=arrival.peer
        ).first()
        if transfer is None:  # the same transfer id from another city: refused
            raise Conflict("转办编号已被占用", code="transfer_taken")
        answer["tracking_code"] = transfer.ticket.tracking_code
    return answer


def _text(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key)
    return value[:limit] if isinstance(value, str) else ""


def _category(path: Any) -> int | None:
    """The deepest category of ours with the same names from the top, if any."""
    found = None
    for name in path if isinstance(path, list) else []:
        match = Category.objects.filter(parent=found, name=str(name), is_active=True).first()
        if match is None:
            break
        found = match
    return found.pk if found else None


def _contact(body: dict[str, Any]) -> dict[str, str]:
    sealed = body.get("sealed_contact") or ""
    if not sealed:
        return {}
    try:
        contact = json.loads(seal.unseal(str(sealed)))
    except (seal.SealError, ValueError) as error:
        raise ValidationFailed("联系方式无法解密（须用本市公钥加密）", code="bad_seal") from error
    return {k: str(v) for k, v in contact.items() if isinstance(v, str)}


def take_transfer(arrival: Arrival) -> Transfer:
    """A request of ours now: through the same intake as any citizen's, linked to its origin."""
    body, peer = arrival.body, arrival.peer
    if Transfer.objects.filter(uid=arrival.transfer_id, direction=Transfer.Direction.IN).exists():
        raise IntegrityError("transfer already taken")
    contact = _contact(body)
    district = Unit.objects.filter(kind=Unit.Kind.DISTRICT, name=_text(body, "district", 50))
    named = not body.get("anonymous", True) and bool(contact.get("phone"))
    data = Submission(
        request_type=_text(body, "request_type", 30),
        title=_text(body, "title", 100),
        content=_text(body, "content", 5000),
        category_id=_category(body.get("category")),
        district_id=district.values_list("pk", flat=True).first(),
        address=contact.get("address", "")[:200],
        latitude=body.get("latitude"),
        longitude=body.get("longitude"),
        channel=Channel.API,
        anonymous=not named,
        name=contact.get("name", "")[:50] or "转办诉求人",
    )
    actor = Actor.citizen(contact["phone"][:20]) if named else SYSTEM
    ticket, _ = ticket_submit(data=data, actor=actor)
    origin = {k: v for k, v in body.items() if k != "sealed_contact"}
    transfer = Transfer.objects.create(
        uid=arrival.transfer_id,
        direction=Transfer.Direction.IN,
        peer=peer,
        ticket=ticket,
        remote_code=_text(body, "tracking_code", 12),
        reason=_text(body, "reason", 1000),
        origin=origin,
        created_at=clock.now(),
        acknowledged_at=clock.now(),
    )
    # Recorded once the link exists: this step is the first progress the origin hears of.
    record(
        ticket,
        actor=SYSTEM,
        action=Action.TRANSFER_IN,
        note=f"由{peer.name}转来（原查询码{transfer.remote_code}）：{transfer.reason}",
    )
    return transfer


def _transfer(arrival: Arrival, direction: str) -> Transfer:
    transfer = Transfer.objects.filter(
        uid=arrival.transfer_id, direction=direction, peer=arrival.peer
    ).first()
    if transfer is None:
        # Not (yet) here: the sender keeps it and tries again (409 is retried).
        raise Conflict("未找到对应的转办记录", code="transfer_unknown")
    return transfer


def take_progress(arrival: Arrival) -> Transfer:
    """A step in the city now handling a request we transferred, on our timeline."""
    body, peer = arrival.body, arrival.peer
    transfer = _transfer(arrival, Transfer.Direction.OUT)
    ticket = lock(transfer.ticket_id)
    code = _text(body, "tracking_code", 12)
    if code and not transfer.remote_code:
        transfer.remote_code, transfer.acknowledged_at = code, clock.now()
        transfer.save(update_fields=["remote_code", "acknowledged_at"])
    shown = _text(body, "public_text", 1000)
    note = _text(body, "note", 1000)
    status = _text(body, "to_status_label", 30)
    record(
        ticket,
        actor=SYSTEM,
        action=Action.TRANSFER_PROGRESS,
        public=bool(shown),
        public_note=f"{peer.name}：{shown}" if shown else "",
        note=f"{peer.name}（查询码{transfer.remote_code}）{_text(body, 'action_label', 30)}"
        f"，状态：{status}" + (f"。{note}" if note else ""),
    )
    return transfer


def take_supervision(arrival: Arrival) -> Transfer:
    """联合督办 asked by the city the request came from: an order of ours on it."""
    transfer = _transfer(arrival, Transfer.Direction.IN)
    ticket = lock(transfer.ticket_id)
    asked = f"{arrival.peer.name}联合督办：{_text(arrival.body, 'note', 1000)}"
    order = None
    if ticket.status in OPEN_STATUSES:
        order = open_order(ticket, reason=SupervisionOrder.Reason.MANUAL, actor=SYSTEM, note=asked)
    if order is None:  # finished, or a manual order already open: on the record all the same
        record(ticket, actor=SYSTEM, action=Action.SUPERVISE, public=False, note=asked)
    JointSupervision.objects.create(
        transfer=transfer,
        order=order,
        asked_here=False,
        note=_text(arrival.body, "note", 1000),
        asked_by=_text(arrival.body, "asked_by", 80),
        at=clock.now(),
    )
    return transfer


HANDLERS: dict[str, Callable[[Arrival], Transfer]] = {
    Message.Kind.TRANSFER: take_transfer,
    Message.Kind.PROGRESS: take_progress,
    Message.Kind.SUPERVISE: take_supervision,
}
