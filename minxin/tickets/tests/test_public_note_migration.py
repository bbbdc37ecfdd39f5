"""Migration 0012 maps existing events: text written in a field addressed to the citizen
becomes `public_note`; every other note stays internal; the audit chain still verifies."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from minxin.audit.chain import canonical_json, timeline_payload
from minxin.audit.models import ChainEntry
from minxin.audit.tests.helpers import sql
from minxin.audit.verify import chain_verify
from minxin.tickets import services as svc
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import as_staff, submit
from minxin.tickets.timeline import citizen_text

pytestmark = pytest.mark.django_db
migration = importlib.import_module("minxin.tickets.migrations.0012_timeline_public_note")


def as_before(event: TimelineEvent, note: str, *, public: bool = True) -> None:
    """Make an event look as the old code wrote it, chain entry included."""
    sql(
        "UPDATE tickets_timelineevent SET note = %s, public_note = '', public = %s WHERE id = %s",
        note,
        public,
        event.pk,
    )
    event.refresh_from_db()
    payload = timeline_payload(event)
    payload.pop("public_note_sm3")
    ChainEntry.objects.filter(ref=f"timeline:{event.pk}").update(payload=canonical_json(payload))


def test_the_mapping_moves_only_text_addressed_to_the_citizen(city, staff):
    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake)
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=city["units"]["zhujian"].pk)
    events = {e.action: e for e in ticket.events.all()}
    as_before(events["accept"], "受理意见：属实")
    as_before(events["dispatch"], "主办：市住房和城乡建设局；协办：和平区。请住建局牵头核查")
    migration.forwards(apps, None)
    accept, dispatch = (TimelineEvent.objects.get(pk=events[a].pk) for a in ("accept", "dispatch"))
    assert accept.public_note == ""
    assert citizen_text(accept) == "诉求已受理"
    assert dispatch.public_note == "市住房和城乡建设局"
    assert citizen_text(dispatch) == "已派遣至市住房和城乡建设局办理"
    assert dispatch.note.endswith("请住建局牵头核查")  # kept, internal


def test_a_reason_the_citizen_was_told_stays_told(city, staff):
    ticket, _ = submit(city)
    svc.ticket_reject(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="x")
    event = ticket.events.get(action="reject")
    as_before(event, "属于司法程序，请向法院反映")
    migration.forwards(apps, None)
    event.refresh_from_db()
    assert citizen_text(event) == "不予受理：属于司法程序，请向法院反映"


def test_old_rows_still_verify_and_a_changed_public_note_is_caught(city, staff):
    ticket, _ = submit(city)
    svc.ticket_reject(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="理由")
    old = ticket.events.get(action="submit")
    as_before(old, "通过网站提交")
    # Entries are linked by hash: rewriting one in the test means re-linking the chain.
    rechain()
    migration.forwards(apps, None)
    assert chain_verify().ok
    new = ticket.events.get(action="reject")
    sql("UPDATE tickets_timelineevent SET public_note = '改过的理由' WHERE id = %s", new.pk)
    problems = chain_verify().problems
    assert problems == [
        f"timeline {new.pk} was changed after entry "
        f"#{ChainEntry.objects.get(ref=f'timeline:{new.pk}').seq} recorded it"
    ]


def rechain() -> None:
    from minxin.audit.chain import entry_hash
    from minxin.audit.models import GENESIS_HASH, ChainHead

    prev = GENESIS_HASH
    for entry in ChainEntry.objects.order_by("seq"):
        entry.prev_hash = prev
        entry.hash = entry_hash(
            prev_hash=prev,
            seq=entry.seq,
            kind=entry.kind,
            ref=entry.ref,
            at=entry.at,
            payload=entry.payload,
        )
        entry.save(update_fields=["prev_hash", "hash"])
        prev = entry.hash
    ChainHead.objects.filter(pk=1).update(hash=prev)
