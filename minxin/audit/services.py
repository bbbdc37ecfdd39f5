"""Appending to the chain, and signing checkpoints.

`chain_append` runs inside the caller's transaction, so an event and its chain entry are
committed together or not at all. It writes the entry as pending. With AUDIT_LINK_IN_WORKER
(the default outside tests, on PostgreSQL) that is all a request does: the worker links the
pending entries in order right after the commit (`tasks.link_now`, queued on commit) and every
minute (`tasks.link_chain`), as do a checkpoint and `audit verify`. Otherwise it links them
only if the head row is free (`SKIP LOCKED`): no transaction ever waits for the head, so app
processes do not line up behind one lock; what a busy head leaves pending is linked right
after the commit, or by the next holder. On SQLite, whose writers are serialised anyway,
every append links at once. Call it as the last write of a transaction, so a head it takes
is held for as little time as possible.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from minxin.audit import witness
from minxin.audit.chain import canonical_json, checkpoint_message, entry_hash, timeline_payload
from minxin.audit.coverage import (
    new_ticket_state,
    note_recorded,
    state_payload,
    ticket_states,
)
from minxin.audit.models import GENESIS_HASH, ChainEntry, ChainHead, Checkpoint, PendingEntry
from minxin.audit.signing import sign, signature_valid
from minxin.audit.verify import segment_verify
from minxin.core import clock
from minxin.core.errors import Conflict

logger = logging.getLogger("minxin.audit")


# A request links at most this many entries while it holds the head; the rest are left to
# the next holder, so no request pays for a backlog (the worker links it every minute).
LINK_INLINE_LIMIT = 500


def _head(*, wait: bool) -> ChainHead | None:
    """The head row, locked; None if another transaction holds it and we do not wait.
    (SQLite ignores row locks: its writers are serialised by the database lock.)"""
    locked = ChainHead.objects.select_for_update(skip_locked=not wait).filter(pk=1)
    head = locked.first()
    if head is None and not ChainHead.objects.filter(pk=1).exists():
        # The first append ever (or after a test flush); a racing first append is fine.
        ChainHead.objects.bulk_create([ChainHead(pk=1)], ignore_conflicts=True)
        head = locked.first()
    return head


def chain_append(
    *, kind: str, ref: str, payload: dict[str, Any], at: dt.datetime | None = None
) -> None:
    chain_append_many([(kind, ref, payload, at or clock.now())])


def chain_append_many(items: list[tuple[str, str, dict[str, Any], dt.datetime]]) -> None:
    """Write (kind, ref, payload, at) entries in the caller's transaction, in order, and
    link them now if the chain's head is free; never wait for it."""
    with transaction.atomic(savepoint=False):
        PendingEntry.objects.bulk_create(
            PendingEntry(kind=kind, ref=ref, payload=canonical_json(payload), at=at)
            for kind, ref, payload, at in items
        )
        if settings.AUDIT_LINK_IN_WORKER and transaction.get_connection().vendor != "sqlite":
            _link_in_worker_on_commit()
            return
        head = _head(wait=False)
        if head is None or _link(head, limit=LINK_INLINE_LIMIT + len(items)):
            # Left pending: linked after this commits, by whoever then holds the head.
            transaction.on_commit(_link_after_commit)


def _link(head: ChainHead, *, limit: int) -> bool:
    """Link up to `limit` committed pending entries (and this transaction's own) in id
    order after `head`, which the caller holds. True if some are left."""
    batch = list(PendingEntry.objects.order_by("id")[: limit + 1])
    more, batch = len(batch) > limit, batch[:limit]
    if not batch:
        return False
    seq, prev, rows = head.seq, head.hash, []
    for item in batch:
        seq += 1
        digest = entry_hash(
            prev_hash=prev, seq=seq, kind=item.kind, ref=item.ref, at=item.at, payload=item.payload
        )
        rows.append(
            ChainEntry(
                seq=seq,
                kind=item.kind,
                ref=item.ref,
                at=item.at,
                payload=item.payload,
                prev_hash=prev,
                hash=digest,
            )
        )
        prev = digest
    ChainEntry.objects.bulk_create(rows)
    PendingEntry.objects.filter(id__in=[item.id for item in batch]).delete()
    ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    _checkpoint_every(head.seq, seq)
    head.seq, head.hash = seq, prev
    return more


def _link_in_worker_on_commit() -> None:
    """Once per transaction, however many entries it appends: the worker links them after
    the commit (`tasks.link_now`), so a request never touches the head."""
    connection = transaction.get_connection()
    if not any(func is _queue_link for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_queue_link)


def _queue_link() -> None:
    from minxin.audit import tasks

    try:
        tasks.link_now()
    except Exception:  # noqa: BLE001 - the worker links them within the minute
        logger.exception("could not queue the linking of pending chain entries")


def _link_after_commit() -> None:
    try:
        link_pending(wait=False)
    except Exception:  # noqa: BLE001 - the worker links them within the minute
        logger.exception("could not link pending chain entries")


def link_pending(*, wait: bool = True, batch_size: int = 5000) -> int:
    """Link every committed pending entry; the number linked. With `wait`, queue for the
    head (the worker, checkpoints, verify); without, give up at once if it is taken."""
    linked = 0
    while True:
        with transaction.atomic():
            head = _head(wait=wait)
            if head is None:
                return linked
            before = head.seq
            more = _link(head, limit=batch_size)
            linked += head.seq - before
        if not more:
            return linked


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


def chain_append_timeline(*, event: Any, created: Any = None) -> None:
    """Witness one TimelineEvent and its request's covered state (called by
    `tickets.timeline.record` for every event, after the step's writes). CREATED is the
    request when this event is its creation (the submission): its state is read from it."""
    if created is not None:
        state: str | None = new_ticket_state(created)
    else:
        state = ticket_states([event.ticket_id]).get(event.ticket_id)
    note_recorded(event.ticket_id, state)
    chain_append_many(
        [
            ("timeline", f"timeline:{event.pk}", timeline_payload(event), event.at),
            ("state", f"ticket:{event.ticket_id}", state_payload(state), event.at),
        ]
    )


def chain_append_timeline_many(*, events: list[Any]) -> None:
    """Witness many saved TimelineEvents at once (the deadline sweep's batches)."""
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
    """Link what is pending, then sign the chain's head with SM2."""
    link_pending()
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

    link_pending()
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
