"""Checking the trail: every link of the chain, every checkpoint, every witnessed row.

The walk stops at the first broken link and names it. Then each checkpoint must carry a
valid SM2 signature by a trusted key and match the chain at its number (those in the
database, and those the outside witness holds), each witnessed row (timeline events,
contact reveals) must match its chain entry, with none missing and none added outside the
chain, and each covered row (a request with its units, replies, supervision orders and
evaluations; a staff account) must match the newest state its chain entries recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Max, Model

from minxin.audit import witness
from minxin.audit.chain import (
    CHAIN_FORMAT,
    CHECKPOINT_FORMAT,
    WITNESSED,
    canonical_json,
    checkpoint_message,
    entry_hash,
    iso,
    witnessed,
)
from minxin.audit.coverage import COVERED, DELETED, state_payload
from minxin.audit.models import GENESIS_HASH, ChainEntry, ChainHead, Checkpoint, PendingEntry
from minxin.audit.signing import signature_valid, signing_key, trusted_public_keys

MAX_PROBLEMS = 50


@dataclass
class Report:
    head_seq: int = 0
    entries: int = 0
    checkpoints: int = 0
    records: int = 0
    problems: list[str] = field(default_factory=list)
    # ref ("ticket:12") -> (seq, payload) of the newest state entry seen by the walk
    states: dict[str, tuple[int, str]] = field(default_factory=dict)
    # refs of entries written since the walk began, not yet linked
    pending: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def chain_verify(*, batch_size: int = 2000, external: dict | None = None) -> Report:
    """Verify everything; `external` is an export held by an outside party. Entries still
    pending are linked first; those committed while the walk runs count as recorded."""
    from minxin.audit.services import link_pending

    link_pending()
    report = Report()
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    report.head_seq = head_seq
    checkpoints = list(Checkpoint.objects.all())
    witnessed_outside = witness.read()
    foreign = (external or {}).get("checkpoints", []) + witnessed_outside
    wanted = {cp.seq for cp in checkpoints} | {int(cp.get("seq", 0)) for cp in foreign}
    hashes = _walk(report, head_seq, head_hash, wanted, batch_size)
    _note_pending(report)
    _check_beyond_head(report, head_seq)
    for checkpoint in checkpoints:
        _check_checkpoint(report, checkpoint, hashes, head_seq)
    if external is not None:
        _check_external(report, external, hashes)
    if witnessed_outside:
        _check_external(report, {"checkpoints": witnessed_outside}, hashes, source="witnessed")
    for kind in WITNESSED:
        _check_unwitnessed(report, kind, batch_size)
    for kind in COVERED:
        _check_covered(report, kind, batch_size)
    return report


def _walk(
    report: Report,
    head_seq: int,
    head_hash: str,
    wanted: set[int],
    batch_size: int,
    start: tuple[int, str] = (0, GENESIS_HASH),
) -> dict[int, str]:
    """Walk entries after `start` (seq, hash) up to the head, stopping at a broken link."""
    hashes: dict[int, str] = {}
    expected, prev = start[0] + 1, start[1]
    while expected <= head_seq:
        batch = list(
            ChainEntry.objects.filter(seq__gte=expected, seq__lte=head_seq).order_by("seq")[
                :batch_size
            ]
        )
        for entry in batch:
            problem = _link_problem(entry, expected, prev)
            if problem:
                report.fail(problem)
                return hashes
            if entry.seq in wanted:
                hashes[entry.seq] = entry.hash
            if entry.kind == "state":
                report.states[entry.ref] = (entry.seq, entry.payload)
            prev, expected = entry.hash, entry.seq + 1
            report.entries += 1
        _check_witnessed(report, batch)
        if not batch:
            break
    if expected - 1 != head_seq or prev != head_hash:
        report.fail(
            f"chain ends at #{expected - 1} but its head records #{head_seq}: "
            f"entries #{expected}..#{head_seq} were deleted, or the head was changed"
        )
    return hashes


def segment_verify(
    *, since: tuple[int, str], head: tuple[int, str], batch_size: int = 2000
) -> Report:
    """Verify only the entries after `since` (a checkpoint already verified)."""
    report = Report(head_seq=head[0])
    _walk(report, head[0], head[1], set(), batch_size, start=since)
    return report


def _link_problem(entry: ChainEntry, expected: int, prev: str) -> str | None:
    if entry.seq != expected:
        return (
            f"entry #{expected} is missing (deleted): the chain jumps from "
            f"#{expected - 1} to #{entry.seq}"
        )
    if entry.prev_hash != prev:
        return f"entry #{entry.seq} ({entry.ref}) does not link to entry #{expected - 1}"
    try:
        digest = entry_hash(
            prev_hash=entry.prev_hash,
            seq=entry.seq,
            kind=entry.kind,
            ref=entry.ref,
            at=entry.at,
            payload=entry.payload,
        )
    except ValueError:
        digest = ""
    if digest != entry.hash:
        return f"entry #{entry.seq} ({entry.ref}) was changed: its hash does not match"
    return None


def _check_witnessed(report: Report, batch: list[ChainEntry]) -> None:
    """Each witnessed row still matches the payload its entry recorded."""
    by_kind: dict[str, dict[int, ChainEntry]] = {}
    for entry in batch:
        kind, _, ref_pk = entry.ref.partition(":")
        if kind == entry.kind and kind in WITNESSED and ref_pk.isdigit():
            by_kind.setdefault(kind, {})[int(ref_pk)] = entry
    for kind, entries in by_kind.items():
        model, payload = _witnessed(kind)
        rows = model._default_manager.in_bulk(list(entries))
        for pk, entry in entries.items():
            report.records += 1
            if pk not in rows:
                report.fail(f"{kind} {pk} (entry #{entry.seq}) was deleted")
            elif not _matches(payload(rows[pk]), entry.payload):
                report.fail(f"{kind} {pk} was changed after entry #{entry.seq} recorded it")


def _witnessed(kind: str) -> tuple[type[Model], Any]:
    found = witnessed(kind)
    if found is None:
        raise ValueError(f"{kind} is not a witnessed kind")
    return found


def _matches(current: dict[str, Any], recorded: str) -> bool:
    """A row matches its entry on every field the entry recorded. A field added to the
    payload later (the timeline's `public_note_sm3`) is witnessed from the entries written
    after it was added; an older entry, fixed by the chain, cannot be changed to drop one."""
    if canonical_json(current) == recorded:
        return True
    fields = json.loads(recorded)
    return (
        isinstance(fields, dict)
        and set(fields) <= set(current)
        and canonical_json({k: current[k] for k in fields}) == recorded
    )


def _check_unwitnessed(report: Report, kind: str, batch_size: int) -> None:
    """Rows with no chain entry were written behind the services' back."""
    model, _ = _witnessed(kind)
    last = 0
    while True:
        pks = list(
            model._default_manager.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            return
        refs = set(
            ChainEntry.objects.filter(ref__in=[f"{kind}:{pk}" for pk in pks]).values_list(
                "ref", flat=True
            )
        )
        for pk in pks:
            if f"{kind}:{pk}" not in refs and f"{kind}:{pk}" not in report.pending:
                report.fail(f"{kind} {pk} is not in the chain (inserted outside the services)")
        last = pks[-1]


def _check_covered(report: Report, kind: str, batch_size: int) -> None:
    """Each covered row matches the newest state the chain recorded for it."""
    label, digests = COVERED[kind]
    model = apps.get_model(label)
    seen: set[str] = set()
    last = 0
    while True:
        pks = list(
            model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not pks:
            break
        current = digests(pks)
        for pk in pks:
            ref = f"{kind}:{pk}"
            seen.add(ref)
            report.records += 1
            recorded = report.states.get(ref)
            if recorded is None:
                report.fail(
                    f"{kind} {pk} is not covered by the chain (changed or inserted "
                    "outside the services, or from before coverage: `audit adopt`)"
                )
            elif canonical_json(state_payload(current.get(pk))) != recorded[1]:
                report.fail(
                    f"{kind} {pk} was changed outside the services after entry "
                    f"#{recorded[0]} recorded it"
                )
        last = pks[-1]
    for ref, (seq, payload) in report.states.items():
        if ref.startswith(f"{kind}:") and ref not in seen and DELETED not in payload:
            report.fail(f"{ref.replace(':', ' ')} (entry #{seq}) was deleted outside the services")


def _note_pending(report: Report) -> None:
    """Entries committed after `link_pending` ran are recorded, just not linked yet; read
    after the walk, so a row written meanwhile is found with its entry."""
    for ref, kind, payload in PendingEntry.objects.order_by("id").values_list(
        "ref", "kind", "payload"
    ):
        report.pending.add(ref)
        if kind == "state":
            report.states[ref] = (report.head_seq + 1, payload)


def _check_beyond_head(report: Report, head_seq: int) -> None:
    # Read after the walk: entries appended meanwhile have moved the head past them.
    head = ChainHead.objects.filter(pk=1).first()
    newest = head.seq if head else 0
    stray = ChainEntry.objects.filter(seq__gt=max(newest, head_seq)).aggregate(Max("seq"))
    if stray["seq__max"]:
        report.fail(
            f"entries after the head (up to #{stray['seq__max']}) were inserted "
            "outside the services"
        )


def _check_checkpoint(
    report: Report, checkpoint: Checkpoint, hashes: dict[int, str], head_seq: int
) -> None:
    report.checkpoints += 1
    name = f"checkpoint {checkpoint.pk} (#{checkpoint.seq})"
    message = checkpoint_message(seq=checkpoint.seq, hash=checkpoint.hash, at=checkpoint.at)
    if checkpoint.public_key not in trusted_public_keys():
        report.fail(f"{name} is signed by a key that is not trusted")
    elif not signature_valid(
        public_hex=checkpoint.public_key, signature=checkpoint.signature, message=message
    ):
        report.fail(f"{name} has an invalid SM2 signature")
    elif checkpoint.seq > head_seq:
        report.fail(f"{name} is beyond the end of the chain (#{head_seq}): entries deleted")
    elif checkpoint.seq in hashes and hashes[checkpoint.seq] != checkpoint.hash:
        report.fail(
            f"{name} does not match the chain: entries up to #{checkpoint.seq} were rewritten"
        )


def _check_external(
    report: Report, external: dict, hashes: dict[int, str], source: str = "exported"
) -> None:
    for item in external.get("checkpoints", []):
        public_key = str(item.get("public_key") or external.get("public_key", ""))
        seq, digest = int(item.get("seq", 0)), str(item.get("hash", ""))
        at = _parse_at(item.get("at", ""))
        message = checkpoint_message(seq=seq, hash=digest, at=at) if at else b""
        if not signature_valid(
            public_hex=public_key, signature=str(item.get("signature", "")), message=message
        ):
            report.fail(f"{source} checkpoint #{seq} has an invalid signature")
        elif seq > report.head_seq:
            report.fail(
                f"{source} checkpoint #{seq} is beyond the end of the chain "
                f"(#{report.head_seq}): the newest entries were cut"
            )
        elif hashes.get(seq) != digest:
            report.fail(
                f"{source} checkpoint #{seq} does not match the chain: the chain was "
                f"rewritten or cut after it was {source}"
            )


def _parse_at(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
    except (TypeError, ValueError):
        return None


def chain_export(*, with_entries: bool = False) -> dict:
    """What an outside party keeps: the public key and every signed checkpoint."""
    head = ChainHead.objects.filter(pk=1).first()
    data: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "chain_format": CHAIN_FORMAT,
        "algorithm": "SM2 signature over SM3 (GB/T 32918.2, user id 1234567812345678)",
        "signed_message": 'UTF-8 JSON ["minxin-checkpoint/1", seq, hash, at]',
        "public_key": signing_key().public_hex,
        "head": {"seq": head.seq if head else 0, "hash": head.hash if head else GENESIS_HASH},
        "checkpoints": [
            {
                "seq": cp.seq,
                "hash": cp.hash,
                "at": iso(cp.at),
                "signature": cp.signature,
                "public_key": cp.public_key,
            }
            for cp in Checkpoint.objects.order_by("seq", "id")
        ],
    }
    if with_entries:
        data["entries"] = [
            {
                "seq": e.seq,
                "kind": e.kind,
                "ref": e.ref,
                "at": iso(e.at),
                "payload": e.payload,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in ChainEntry.objects.order_by("seq").iterator(chunk_size=2000)
        ]
    return data


def load_export(text: str) -> dict:
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
        raise ValueError("not a minxin checkpoint export")
    return data
