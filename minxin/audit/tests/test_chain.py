"""Every timeline event is appended to the SM3 hash chain in its own transaction, and the
chain can be recomputed by anyone from the documented canonical form."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import hashes

from minxin.accounts.models import User
from minxin.audit.models import GENESIS_HASH, ChainEntry, ChainHead
from minxin.audit.services import chain_append
from minxin.audit.tests.helpers import some_history
from minxin.audit.verify import chain_verify
from minxin.tickets import services as svc
from minxin.tickets.models import Ticket, TimelineEvent
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def test_every_timeline_event_is_in_the_chain(city, staff):
    some_history(city, staff)
    events = list(TimelineEvent.objects.order_by("id"))
    entries = list(ChainEntry.objects.order_by("seq"))
    timeline = [e.ref for e in entries if e.kind == "timeline"]
    assert timeline == [f"timeline:{e.pk}" for e in events]
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    report = chain_verify()
    covered = Ticket.objects.count() + User.objects.count()
    assert report.ok
    assert report.entries == len(entries)
    assert report.records == len(events) + covered


def test_the_hash_follows_the_documented_canonical_form(city, staff):
    some_history(city, staff, requests=1)
    prev = GENESIS_HASH
    for entry in ChainEntry.objects.order_by("seq"):
        form = json.dumps(
            [
                "minxin-chain/1",
                entry.seq,
                entry.kind,
                entry.ref,
                entry.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                entry.payload,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        assert entry.prev_hash == prev
        assert entry.hash == sm3(bytes.fromhex(prev) + form.encode())
        prev = entry.hash


def test_the_chain_holds_no_personal_data_or_free_text(city, staff):
    ticket, _ = submit(city, phone="13812345678")
    svc.ticket_reject(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="请联系13812345678的张三"
    )
    text = " ".join(ChainEntry.objects.values_list("payload", flat=True))
    assert "13812345678" not in text
    assert "张三" not in text
    assert "note_sm3" in text


def test_a_service_failing_after_its_event_leaves_no_chain_entry(city, staff, monkeypatch):
    ticket, _ = submit(city, phone="13800001111")
    head = ChainHead.objects.values_list("seq", "hash").get()

    def gateway_down(*args, **kwargs):
        raise RuntimeError("boom")

    # The event and its chain entry are written, then the transaction fails.
    monkeypatch.setattr(svc, "notify_citizen", gateway_down)
    with pytest.raises(RuntimeError):
        svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    assert ChainHead.objects.values_list("seq", "hash").get() == head
    assert ChainEntry.objects.count() == head[0]
    assert chain_verify().ok


def test_other_kinds_can_be_appended(db):
    chain_append(kind="admin", ref="user:7", payload={"change": "role"})
    entry = ChainEntry.objects.get(ref="user:7")
    assert entry.seq == 1
    assert entry.prev_hash == GENESIS_HASH
    assert chain_verify().ok
