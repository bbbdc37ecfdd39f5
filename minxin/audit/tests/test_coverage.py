"""The chain covers every record that matters, and cutting its tail is caught: a request's
content, status, category, units and satisfaction, its replies, assignments, supervision
orders and oversight evaluations, staff accounts and roles, each changed directly in the
database, fail `audit verify`; so does deleting the newest entries and every checkpoint
row, thanks to the outside witness the worker's checkpoints are written to."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from minxin.audit import witness
from minxin.audit.models import ChainEntry, ChainHead, Checkpoint
from minxin.audit.tests.helpers import sql
from minxin.audit.verify import chain_verify
from minxin.supervision.oversight import oversight_evaluate, oversight_share
from minxin.supervision.services import supervision_open
from minxin.tickets import services as svc
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(city, staff) -> Ticket:
    """A request walked to the end: dispatched, replied, published, rated, supervised,
    shared with and evaluated by the oversight group."""
    ticket, _ = submit(city, phone="13800138000")
    to_signed(ticket, staff)
    supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="督办")
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="电梯已修复。",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=svc.Actor.citizen("13800138000"), satisfaction="satisfied"
    )
    oversight_share(
        ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), member_ids=[staff["oversight"].pk]
    )
    oversight_evaluate(
        ticket_id=ticket.pk,
        actor=as_staff(staff["oversight"]),
        timeliness="good",
        quality="good",
        attitude="fair",
    )
    report = chain_verify()
    assert report.ok, report.problems
    return Ticket.objects.get(pk=ticket.pk)


TAMPERING = {
    "a published reply's text": "UPDATE tickets_reply SET public_reply = '改写的答复'",
    "a request's content": "UPDATE tickets_ticket SET content = '改写的内容'",
    "a request's satisfaction": "UPDATE tickets_ticket SET satisfaction = 'unsatisfied'",
    "a request's status": "UPDATE tickets_ticket SET status = 'submitted'",
    "a request's category": "UPDATE tickets_ticket SET category_id = NULL",
    "a request's units": "UPDATE tickets_assignment SET unit_id = (SELECT MIN(id) FROM org_unit)",
    "a removed unit": "DELETE FROM tickets_assignment",
    "a supervision order": "UPDATE supervision_supervisionorder SET note = '改写的督办意见'",
    "an oversight evaluation": "UPDATE supervision_oversightevaluation SET quality = 'poor'",
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_a_covered_record_changed_in_the_database_is_caught(rated, what):
    # Finding 6: changing a reply, the content or the satisfaction left verify at OK.
    sql(TAMPERING[what])
    problems = chain_verify().problems
    assert any(f"ticket {rated.pk} was changed outside the services" in p for p in problems), (
        problems
    )


def test_a_staff_role_changed_in_the_database_is_caught(city, staff):
    assert chain_verify().ok
    user = staff["zhujian"]
    sql("UPDATE accounts_user SET role = 'admin' WHERE id = %s", user.pk)
    seq = ChainEntry.objects.filter(ref=f"staff:{user.pk}").latest("seq").seq
    assert chain_verify().problems == [
        f"staff {user.pk} was changed outside the services after entry #{seq} recorded it"
    ]


def test_a_staff_account_changed_through_django_is_covered(city, staff):
    user = staff["zhujian"]
    user.role = "unit_head"
    user.save()
    user.set_password("a-new-password-2026")
    user.save(update_fields=["password"])
    assert chain_verify().ok
    staff["renshe"].delete()
    assert chain_verify().ok


def test_a_staff_account_inserted_in_the_database_is_caught(city):
    sql(
        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined, role, display_name, mobile) VALUES "
        "('x', %s, 'mole', '', '', '', %s, %s, '2026-01-01', 'admin', '', '')",
        True,
        True,
        True,
    )
    assert any("is not covered by the chain" in p for p in chain_verify().problems)


def test_cutting_the_tail_and_the_checkpoints_is_caught_by_the_witness(rated):
    # Finding 6: cutting the newest entries went unnoticed while no checkpoint existed.
    from minxin.audit.tasks import checkpoint_hourly

    head = checkpoint_hourly.call_local()
    assert head == ChainHead.objects.get().seq
    assert len(witness.read()) == 1
    keep = head - 4
    sql("DELETE FROM audit_checkpoint")
    sql("DELETE FROM audit_chainentry WHERE seq > %s", keep)
    sql(
        "UPDATE audit_chainhead SET seq = %s, hash = %s",
        keep,
        ChainEntry.objects.get(seq=keep).hash,
    )
    problems = chain_verify().problems
    assert (
        f"witnessed checkpoint #{head} is beyond the end of the chain (#{keep}): the "
        "newest entries were cut" in problems
    )


def test_a_checkpoint_is_signed_every_n_entries(
    city, staff, settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 5
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            submit(city, title=f"诉求{i}")
    assert Checkpoint.objects.exists()
    assert {c["seq"] for c in witness.read()} == set(
        Checkpoint.objects.values_list("seq", flat=True)
    )


def test_a_second_database_can_be_the_witness(rated, settings, tmp_path):
    from minxin.audit.services import checkpoint_create

    settings.AUDIT_WITNESS = f"db:sqlite:///{tmp_path / 'witness.sqlite3'}"
    checkpoint = checkpoint_create()
    [held] = witness.read()
    assert (held["seq"], held["hash"]) == (checkpoint.seq, checkpoint.hash)
    sql("DELETE FROM audit_checkpoint")
    sql("UPDATE audit_chainhead SET seq = seq - 1")
    assert not chain_verify().ok


def test_rows_from_before_coverage_are_adopted_once(city, monkeypatch):
    from minxin.audit.chain import timeline_payload
    from minxin.audit.services import chain_append

    def before_coverage(*, event, created=None):  # what record() appended before this change
        return chain_append(
            kind="timeline",
            ref=f"timeline:{event.pk}",
            payload=timeline_payload(event),
            at=event.at,
        )

    monkeypatch.setattr("minxin.tickets.timeline.chain_append_timeline", before_coverage)
    ticket, _ = submit(city)
    monkeypatch.undo()
    assert chain_verify().problems == [
        f"ticket {ticket.pk} is not covered by the chain (changed or inserted outside the "
        "services, or from before coverage: `audit adopt`)"
    ]
    out = io.StringIO()
    call_command("audit", "adopt", stdout=out)
    assert "ticket: 1 rows without a recorded state" in out.getvalue()
    assert not chain_verify().ok  # a dry run appends nothing
    call_command("audit", "adopt", "--commit", stdout=out)
    assert chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_covered_row_saved_without_a_timeline_event_is_chained_after_commit(city, staff):
    # Closing a supervision order writes no timeline event: the safety net chains the
    # request's state once the transaction commits.
    from minxin.supervision.services import supervision_close

    ticket, _ = submit(city)
    to_signed(ticket, staff)
    order = supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="督办")
    supervision_close(order_id=order.pk, actor=as_staff(staff["supervisor"]), outcome="resolved")
    report = chain_verify()
    assert report.ok, report.problems


@pytest.mark.parametrize("phone", [None, "13800138000"])
def test_a_submission_chains_the_state_the_database_holds_without_reading_it(city, phone):
    from minxin.audit.coverage import new_ticket_state, ticket_states
    from minxin.audit.models import PendingEntry

    ticket, _ = submit(city, phone=phone, title="  路灯不亮\x00 ")
    stored = ticket_states([ticket.pk])[ticket.pk]
    assert new_ticket_state(ticket) == stored
    chained = ChainEntry.objects.filter(ref=f"ticket:{ticket.pk}").values_list("payload", flat=True)
    pending = PendingEntry.objects.filter(ref=f"ticket:{ticket.pk}").values_list(
        "payload", flat=True
    )
    assert [*chained, *pending] == [f'{{"sm3":"{stored}"}}']
    assert chain_verify().ok
