"""Rows changed, deleted or inserted directly in the database (raw SQL, behind the services'
back) are each caught by `audit verify`, which names the first broken link."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from minxin.audit.chain import entry_hash
from minxin.audit.models import ChainEntry
from minxin.audit.services import checkpoint_create
from minxin.audit.tests.helpers import some_history, sql
from minxin.audit.verify import chain_verify
from minxin.privacy.services import contact_reveal
from minxin.tickets.models import Ticket, TimelineEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(city, staff) -> list[ChainEntry]:
    some_history(city, staff)
    assert chain_verify().ok
    return list(ChainEntry.objects.order_by("seq"))


def first_problem() -> str:
    report = chain_verify()
    assert not report.ok
    return report.problems[0]


def test_a_changed_chain_entry_is_named(history):
    target = next(e for e in history if '"accept"' in e.payload)
    sql(
        "UPDATE audit_chainentry SET payload = REPLACE(payload, 'accept', 'reject') WHERE seq = %s",
        target.seq,
    )
    assert first_problem() == (
        f"entry #{target.seq} ({target.ref}) was changed: its hash does not match"
    )


def test_a_deleted_chain_entry_is_named(history):
    sql("DELETE FROM audit_chainentry WHERE seq = 2")
    assert first_problem().startswith("entry #2 is missing (deleted)")


def test_deleting_the_newest_entries_is_caught_by_the_head(history):
    head = history[-1].seq
    sql("DELETE FROM audit_chainentry WHERE seq >= %s", head - 1)
    assert f"entries #{head - 1}..#{head} were deleted" in first_problem()


def test_an_inserted_chain_entry_is_caught(history):
    last = history[-1]
    sql(
        "INSERT INTO audit_chainentry (seq, kind, ref, at, payload, prev_hash, hash) "
        "VALUES (%s, 'timeline', 'timeline:999', %s, '{}', %s, %s)",
        last.seq + 1,
        last.at,
        last.hash,
        "ab" * 32,
    )
    assert "inserted outside the services" in first_problem()


def test_an_entry_inserted_in_the_middle_by_renumbering_is_caught(history):
    # Make room after #2 and slip a well-formed entry in: the links after it break.
    sql("UPDATE audit_chainentry SET seq = seq + 1000 WHERE seq > 2")
    sql("UPDATE audit_chainentry SET seq = seq - 999 WHERE seq > 1000")
    second = history[1]
    forged = entry_hash(
        prev_hash=second.hash, seq=3, kind="admin", ref="x:1", at=second.at, payload="{}"
    )
    sql(
        "INSERT INTO audit_chainentry (seq, kind, ref, at, payload, prev_hash, hash) "
        "VALUES (3, 'admin', 'x:1', %s, '{}', %s, %s)",
        second.at,
        second.hash,
        forged,
    )
    assert first_problem().startswith("entry #4 (")


def test_a_changed_timeline_event_is_caught(history):
    event = TimelineEvent.objects.filter(action="accept").first()
    seq = ChainEntry.objects.get(ref=f"timeline:{event.pk}").seq
    sql("UPDATE tickets_timelineevent SET note = 'changed later' WHERE id = %s", event.pk)
    assert first_problem() == f"timeline {event.pk} was changed after entry #{seq} recorded it"


def test_a_deleted_timeline_event_is_caught(history):
    event = TimelineEvent.objects.filter(action="accept").last()
    sql("DELETE FROM tickets_timelineevent WHERE id = %s", event.pk)
    assert first_problem().startswith(f"timeline {event.pk} (entry #")


def test_an_inserted_timeline_event_is_caught(history):
    ticket = Ticket.objects.first()
    sql(
        "INSERT INTO tickets_timelineevent (ticket_id, at, action, actor_label, from_status, "
        "to_status, note, public) VALUES (%s, %s, 'close', 'x', 'accepted', 'closed', '', %s)",
        ticket.pk,
        ticket.created_at,
        True,
    )
    assert "is not in the chain (inserted outside the services)" in first_problem()


def test_a_changed_reveal_log_is_caught(history, staff):
    contact_reveal(ticket_id=Ticket.objects.first().pk, user=staff["intake"], reason="核实")
    assert chain_verify().ok
    sql("UPDATE privacy_reveallog SET reason = '随便看看'")
    assert first_problem().startswith("reveal ")


def test_a_consistently_rewritten_chain_is_caught_by_its_checkpoint(history):
    checkpoint_create()
    # Rewrite entry 2 and recompute every hash after it, head included: the links hold...
    entries = list(ChainEntry.objects.order_by("seq"))
    target = next(e.seq for e in entries if '"accept"' in e.payload)
    prev = entries[0].hash
    for entry in entries[1:]:
        payload = (
            entry.payload.replace("accept", "reject") if entry.seq == target else entry.payload
        )
        digest = entry_hash(
            prev_hash=prev,
            seq=entry.seq,
            kind=entry.kind,
            ref=entry.ref,
            at=entry.at,
            payload=payload,
        )
        sql(
            "UPDATE audit_chainentry SET payload = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            payload,
            prev,
            digest,
            entry.seq,
        )
        prev = digest
    sql("UPDATE audit_chainhead SET hash = %s", prev)
    # ...but the signed checkpoint no longer matches.
    problems = chain_verify().problems
    assert any("does not match the chain" in p for p in problems), problems


def test_verify_command_exits_non_zero_and_names_the_link(history):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    head = history[-1].seq
    assert out.getvalue().startswith(f"OK: {head} entries up to #{head}")
    sql("DELETE FROM audit_chainentry WHERE seq = 3")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert err.getvalue().startswith("BROKEN: entry #3 is missing (deleted)")
