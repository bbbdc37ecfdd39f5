"""Appending to the chain, and signing checkpoints.

`chain_append` runs inside the caller's transaction, so an event and its chain entry are
committed together or not at all. It locks the single head row: appends from any number of
processes queue on that lock (PostgreSQL), or on the database write lock (SQLite, whose
transactions here begin IMMEDIATE). Call it as the last write of a transaction, so the
lock is held for as little time as possible and never taken before another row lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from minxin.audit import witness
from minxin.audit.chain import canonical_json, checkpoint_message, entry_hash, timeline_payload
from minxin.audit.coverage import note_recorded, state_payload, ticket_states
from minxin.audit.models import GENESIS_HASH, ChainEntry, ChainHead, Checkpoint
from minxin.audit.signing import sign, signature_valid
from minxin.audit.verify import segment_verify
from minxin.core import clock
from minxin.core.errors import Conflict

logger = logging.getLogger("minxin.audit")


def _locked_head() -> ChainHead:
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # The first append ever (or after a test flush); a racing first append is fine.
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


def chain_append(
    *, kind: str, ref: str, payload: dict[str, Any], at: dt.datetime | None = None
) -> ChainEntry:
    return chain_append_many([(kind, ref, payload, at or clock.now())])[0]


def chain_append_many(
    items: list[tuple[str, str, dict[str, Any], dt.datetime]],
) -> list[ChainEntry]:
    """Append (kind, ref, payload, at) entries in order, under one head lock."""
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        seq, prev, rows = head.seq, head.hash, []
        for kind, ref, payload, at in items:
            seq += 1
            text = canonical_json(payload)
            digest = entry_hash(prev_hash=prev, seq=seq, kind=kind, ref=ref, at=at, payload=text)
            rows.append(
                ChainEntry(
                    seq=seq, kind=kind, ref=ref, at=at, payload=text, prev_hash=prev, hash=digest
                )
            )
            prev = digest
        ChainEntry.objects.bulk_create(rows)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    _checkpoint_every(head.seq, seq)
    return rows


def _checkpoint_every(before: int, after: int) -> None:
    """Every AUDIT_CHECKPOINT_EVERY entries the worker signs one (after this commits)."""
    every = settings.AUDIT_CHECKPOINT_EVERY
    if every and before // every != after // every:
        transaction.on_commit(_queue_checkpoint)


def _queue_checkpoint() -> None:
    from minxin.audit import tasks

    try:
        tasks.checkpoint_now()
    except Exception:  # noqa: BLE001 - the hourly task signs it anyway
        logger.exception("could not queue a checkpoint")


def chain_append_timeline(*, event: Any) -> ChainEntry:
    """Witness one TimelineEvent and its request's covered state (called by
    `tickets.timeline.record` for every event, after the step's writes)."""
    state = ticket_states([event.ticket_id]).get(event.ticket_id)
    note_recorded(event.ticket_id, state)
    return chain_append_many(
        [
            ("timeline", f"timeline:{event.pk}", timeline_payload(event), event.at),
            ("state", f"ticket:{event.ticket_id}", state_payload(state), event.at),
        ]
    )[0]


def chain_append_timeline_many(*, events: list[Any]) -> None:
    """Witness many saved TimelineEvents under one head lock (the deadline sweep's batches)."""
    if not events:
        return
    states = ticket_states(e.ticket_id for e in events)
    for pk, state in states.items():
        note_recorded(pk, state)
    items = [("timeline", f"timeline:{e.pk}", timeline_payload(e), e.at) for e in events]
    last = {e.ticket_id: e.at for e in events}
    items += [
        ("state", f"ticket:{pk}", state_payload(states.get(pk)), at) for pk, at in last.items()
    ]
    chain_append_many(items)


def checkpoint_create() -> Checkpoint:
    """Sign the chain's current head with SM2."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        raise Conflict("存证链为空，无法创建检查点", code="chain_empty")
    _check_since_last_checkpoint(head)
    at = clock.now()
    signature, public_key = sign(checkpoint_message(seq=head.seq, hash=head.hash, at=at))
    checkpoint = Checkpoint.objects.create(
        seq=head.seq, hash=head.hash, at=at, public_key=public_key, signature=signature
    )
    # Outside the database: cutting the chain's tail and the checkpoint rows is then caught.
    witness.write(checkpoint)
    return checkpoint


def _check_since_last_checkpoint(head: ChainHead) -> None:
    """Never sign a chain that is already broken: that would vouch for the tampering."""
    last = Checkpoint.objects.filter(seq__lte=head.seq).order_by("-seq", "-id").first()
    if last is not None and not signature_valid(
        public_hex=last.public_key,
        signature=last.signature,
        message=checkpoint_message(seq=last.seq, hash=last.hash, at=last.at),
    ):
        raise Conflict(f"上一个检查点（#{last.seq}）签名无效，拒绝签名", code="chain_broken")
    since = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    report = segment_verify(since=since, head=(head.seq, head.hash))
    if not report.ok:
        raise Conflict(f"存证链已损坏，拒绝签名：{report.problems[0]}", code="chain_broken")


def chain_adopt(*, commit: bool = False, batch_size: int = 500) -> dict[str, int]:
    """Record the current state of covered rows the chain has no state for (rows from before
    coverage existed). Adopting vouches for those rows as they are now: run it once, after
    upgrading, before anyone could have changed them."""
    from django.apps import apps

    from minxin.audit.coverage import COVERED

    counts: dict[str, int] = {}
    for kind, (label, digests) in COVERED.items():
        pks = list(apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True))
        known = {
            ref
            for ref in ChainEntry.objects.filter(
                kind="state", ref__startswith=f"{kind}:"
            ).values_list("ref", flat=True)
        }
        missing = [pk for pk in pks if f"{kind}:{pk}" not in known]
        counts[kind] = len(missing)
        for start in range(0, len(missing) if commit else 0, batch_size):
            batch = missing[start : start + batch_size]
            now, states = clock.now(), digests(batch)
            with transaction.atomic():
                chain_append_many(
                    [("state", f"{kind}:{pk}", state_payload(states.get(pk)), now) for pk in batch]
                )
    return counts
