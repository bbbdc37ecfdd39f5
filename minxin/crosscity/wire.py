"""The signed message: written to the outbox, and checked on arrival.

A message is one JSON object (`seal.canonical`), sent as the HTTP body exactly as it was
signed, with two headers: `X-Minxin-City` (the sender's code) and `X-Minxin-Signature` (SM2
r‖s hex over "minxin-crosscity-v1\\n" + body). docs/interop.md shows the fields.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from minxin.core import clock
from minxin.core.errors import DomainError, PermissionDenied, ValidationFailed
from minxin.crosscity import seal
from minxin.crosscity.models import Message, Peer, Transfer

VERSION = 1
MAX_BODY = 512 * 1024


class BadSignature(DomainError):
    status = 401
    code = "bad_signature"


@dataclass(frozen=True)
class Arrival:
    peer: Peer
    message_id: uuid.UUID
    kind: str
    transfer_id: uuid.UUID
    body: dict[str, Any]


def queue(*, peer: Peer, transfer: Transfer, kind: str, body: dict[str, Any]) -> Message:
    """Sign a message and put it in the outbox, in the caller's transaction; the worker
    sends it once that commits."""
    message_id = uuid.uuid4()
    now = clock.now()
    envelope = {
        "v": VERSION,
        "id": str(message_id),
        "kind": kind,
        "from": settings.CITY_CODE,
        "to": peer.code,
        "transfer": str(transfer.uid),
        "sent_at": now.isoformat(),
        "body": body,
    }
    raw = seal.canonical(envelope)
    message = Message.objects.create(
        id=message_id,
        peer=peer,
        transfer=transfer,
        kind=kind,
        body=raw.decode(),
        signature=seal.sign_body(raw),
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: _send_soon(message.pk))
    return message


def _send_soon(message_id: uuid.UUID) -> None:
    from minxin.crosscity.tasks import deliver_message

    deliver_message(str(message_id))


def check_arrival(*, city: str, signature: str, raw: bytes) -> Arrival:
    """The message, when a known city signed exactly these bytes for us; else a 4xx error
    and nothing is read from it."""
    if len(raw) > MAX_BODY:
        raise ValidationFailed("报文过大", code="too_large")
    peer = Peer.objects.filter(code=city, is_active=True).first()
    if peer is None:
        raise PermissionDenied(f"未登记的协作城市：{city[:30]}", code="unknown_city")
    if not seal.body_signed_by(peer.public_key, body=raw, signature=signature.strip().lower()):
        raise BadSignature("报文签名验证失败，已拒收", code="bad_signature")
    try:
        envelope = json.loads(raw)
        arrival = Arrival(
            peer=peer,
            message_id=uuid.UUID(envelope["id"]),
            kind=envelope["kind"],
            transfer_id=uuid.UUID(envelope["transfer"]),
            body=envelope["body"],
        )
        fits = (
            envelope["v"] == VERSION
            and envelope["from"] == peer.code
            and envelope["to"] == settings.CITY_CODE
            and arrival.kind in Message.Kind.values
            and isinstance(arrival.body, dict)
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        fits = False
    if not fits:
        raise ValidationFailed("报文格式不符", code="bad_message")
    return arrival
