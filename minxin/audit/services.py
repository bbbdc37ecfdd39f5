"""Appending to the chain, and signing checkpoints.

`chain_append` runs inside the caller's transaction, so an event and its chain entry are
committed together or not at all. It locks the single head row: appends from any number of
processes queue on that lock (PostgreSQL), or on the database write lock (SQLite, whose
transactions here begin IMMEDIATE). Call it as the last write of a transaction, so the
lock is held for as little time as possible and never taken before another row lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from minxin.audit.chain import canonical_json, checkpoint_message, entry_hash, timeline_payload
from minxin.audit.models import GENESIS_HASH, ChainEntry, ChainHead, Checkpoint
from minxin.audit.signing import sign, signature_valid
from minxin.audit.verify import segment_verify
from minxin.core import clock
from minxin.core.errors import Conflict


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The first append ever (or after a test flush); a racing first append is fine.
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def chain_append(*, kind: str, ref: str, payload: dict[str, Any],
                 at: dt.datetime | None = None) -> ChainEntry:
    at = at or clock.now()
    text = canonical_json(payload)
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        seq = head.seq + 1
        digest = entry_hash(prev_hash=head.hash, seq=seq, kind=kind, ref=ref, at=at,
                            payload=text)
        entry = ChainEntry.objects.create(seq=seq, kind=kind, ref=ref, at=at, payload=text,
                                          prev_hash=head.hash, hash=digest)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=digest)
    return entry


def chain_append_timeline(*, event: Any) -> ChainEntry:
    """Witness one TimelineEvent (called by `tickets.services.record` for every event)."""
    return chain_append(kind="timeline", ref=f"timeline:{event.pk}",
                        payload=timeline_payload(event), at=event.at)


def chain_append_timeline_many(*, events: list[Any]) -> None:
    """Witness many saved TimelineEvents under one head lock (the deadline sweep's batches)."""
    if not events:
        return
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        seq, prev, rows = head.seq, head.hash, []
        for event in events:
            seq += 1
            text = canonical_json(timeline_payload(event))
            ref = f"timeline:{event.pk}"
            digest = entry_hash(prev_hash=prev, seq=seq, kind="timeline", ref=ref, at=event.at,
                                payload=text)
            rows.append(ChainEntry(seq=seq, kind="timeline", ref=ref, at=event.at,
                                   payload=text, prev_hash=prev, hash=digest))
            prev = digest
        ChainEntry.objects.bulk_create(rows)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)


def checkpoint_create() -> Checkpoint:
    """Sign the chain's current head with SM2."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        raise Conflict("存证链为空，无法创建检查点", code="chain_empty")
    _check_since_last_checkpoint(head)
    at = clock.now()
    signature, public_key = sign(checkpoint_message(seq=head.seq, hash=head.hash, at=at))
    return Checkpoint.objects.create(seq=head.seq, hash=head.hash, at=at,
                                     public_key=public_key, signature=signature)


def _check_since_last_checkpoint(head: ChainHead) -> None:
    """Never sign a chain that is already broken: that would vouch for the tampering."""
    last = Checkpoint.objects.filter(seq__lte=head.seq).order_by("-seq", "-id").first()
    if last is not None and not signature_valid(
            public_hex=last.public_key, signature=last.signature,
            message=checkpoint_message(seq=last.seq, hash=last.hash, at=last.at)):
        raise Conflict(f"上一个检查点（#{last.seq}）签名无效，拒绝签名", code="chain_broken")
    since = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    report = segment_verify(since=since, head=(head.seq, head.hash))
    if not report.ok:
        raise Conflict(f"存证链已损坏，拒绝签名：{report.problems[0]}", code="chain_broken")
