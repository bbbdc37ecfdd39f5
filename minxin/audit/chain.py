"""The chain's canonical forms: what exactly is hashed, so anyone can recompute it.

    entry hash = SM3( bytes.fromhex(prev_hash)
                      || UTF-8 of JSON ["minxin-chain/1", seq, kind, ref, at, payload] )

JSON without spaces (separators "," and ":"), non-ASCII characters kept as they are, `at`
as UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`, `payload` the stored canonical payload text (itself
JSON with sorted keys). The first entry's prev_hash is 64 zeros.

Payloads never hold a citizen's personal data: free text (notes, reasons) enters only as
its SM3 digest, so erasing personal data later leaves the chain intact.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string

CHAIN_FORMAT = "minxin-chain/1"
CHECKPOINT_FORMAT = "minxin-checkpoint/1"

# Tables whose every row is witnessed by a chain entry `<kind>:<pk>`; `audit verify` checks
# each row against its entry, so rows changed, deleted or inserted behind the services'
# back are found even though the chain itself is intact.
WITNESSED: dict[str, tuple[str, str]] = {
    "timeline": ("tickets.TimelineEvent", "minxin.audit.chain.timeline_payload"),
    "reveal": ("privacy.RevealLog", "minxin.privacy.models.reveal_payload"),
}


def sm3_hex(data: bytes | str) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data.encode() if isinstance(data, str) else data)
    return digest.finalize().hex()


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(
    *, prev_hash: str, seq: int, kind: str, ref: str, at: dt.datetime, payload: str
) -> str:
    form = canonical_json([CHAIN_FORMAT, seq, kind, ref, iso(at), payload])
    return sm3_hex(bytes.fromhex(prev_hash) + form.encode())


def checkpoint_message(*, seq: int, hash: str, at: dt.datetime) -> bytes:
    return canonical_json([CHECKPOINT_FORMAT, seq, hash, iso(at)]).encode()


def timeline_payload(event: Any) -> dict:
    return {
        "ticket": event.ticket_id,
        "event": event.pk,
        "at": iso(event.at),
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "unit": event.unit_id,
        "from": event.from_status,
        "to": event.to_status,
        "public": event.public,
        "note_sm3": sm3_hex(event.note or ""),
        "public_note_sm3": sm3_hex(event.public_note or ""),
    }


def witnessed(kind: str) -> tuple[type[models.Model], Any] | None:
    """The model and payload function of a witnessed kind, or None."""
    if kind not in WITNESSED:
        return None
    label, payload = WITNESSED[kind]
    return apps.get_model(label), import_string(payload)
