"""Appends from many connections at once still make one unbroken chain, and none waits for
the chain's head (PostgreSQL: whoever holds the head links, the others leave their entries
pending; SQLite: the write lock, transactions beginning IMMEDIATE, links every append)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from minxin.audit.models import ChainEntry, ChainHead, PendingEntry
from minxin.audit.services import chain_append, checkpoint_create, link_pending
from minxin.audit.verify import chain_verify
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 6, 8


def run_at_once(work) -> list[Exception]:
    barrier, errors = threading.Barrier(THREADS), []

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # noqa: BLE001  collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def test_concurrent_appends_make_one_unbroken_chain(db):
    def work(i: int) -> None:
        for j in range(EACH):
            with transaction.atomic():
                chain_append(kind="test", ref=f"t:{i}:{j}", payload={"i": i, "j": j})

    assert run_at_once(work) == []
    link_pending()  # the worker's minute: whatever a busy head left pending
    assert not PendingEntry.objects.exists()
    seqs = list(ChainEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    report = chain_verify()
    assert report.ok, report.problems


def test_concurrent_submissions_are_all_witnessed(city):
    def work(i: int) -> None:
        for _ in range(3):
            submit(city, title=f"并发{i}")

    assert run_at_once(work) == []
    link_pending()
    assert (
        TimelineEvent.objects.count()
        == THREADS * 3
        == ChainEntry.objects.filter(kind="timeline").count()
    )
    report = chain_verify()
    assert report.ok, report.problems


def hold_head(release: threading.Event, held: threading.Event) -> threading.Thread:
    """Another connection takes the chain's head and keeps it until `release` is set."""

    def run() -> None:
        try:
            with transaction.atomic():
                ChainHead.objects.select_for_update().filter(pk=1).first()
                held.set()
                release.wait(60)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert held.wait(30)
    return thread


def test_a_request_does_not_wait_for_a_held_head(city):
    if connections["default"].vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises every writer anyway)")
    submit(city, title="先来的")  # the head row exists
    before = ChainEntry.objects.count()
    release, held = threading.Event(), threading.Event()
    holder = hold_head(release, held)
    try:
        done = threading.Event()

        def step() -> None:
            try:
                submit(city, title="头被占用时提交")
                done.set()
            finally:
                connections.close_all()

        worker = threading.Thread(target=step)
        worker.start()
        worker.join(20)
        # Done while the head was still held: nobody waited for it.
        assert done.is_set()
        assert not release.is_set()
        assert PendingEntry.objects.filter(kind="timeline").count() == 1
        assert ChainEntry.objects.count() == before
    finally:
        release.set()
        holder.join(30)
    assert link_pending() == 2  # the timeline entry and the request's state
    assert link_pending() == 0  # exactly once
    assert not PendingEntry.objects.exists()
    report = chain_verify()
    assert report.ok, report.problems
    assert report.entries == before + 2


def test_verify_and_checkpoints_link_what_is_pending_first(city, monkeypatch):
    submit(city)
    # As if the head had been busy: entries written, none linked.
    monkeypatch.setattr("minxin.audit.services._head", lambda *, wait: None)
    submit(city, title="未链接")
    monkeypatch.undo()
    assert PendingEntry.objects.count() == 2
    checkpoint = checkpoint_create()
    assert not PendingEntry.objects.exists()
    assert checkpoint.seq == ChainEntry.objects.count()
    assert chain_verify().ok


def test_entries_committed_during_a_verify_count_as_recorded(city, monkeypatch):
    submit(city)
    monkeypatch.setattr("minxin.audit.services._head", lambda *, wait: None)
    ticket, _ = submit(city, title="验证期间提交")
    # verify links first; here it cannot (as if the rows committed just after it did).
    monkeypatch.setattr("minxin.audit.services.link_pending", lambda **kw: 0)
    report = chain_verify()
    assert report.ok, report.problems
    assert f"ticket:{ticket.pk}" in report.pending
    monkeypatch.undo()
    assert chain_verify().ok


def test_with_linking_in_the_worker_a_request_only_writes_pending_entries(city, settings):
    settings.AUDIT_LINK_IN_WORKER = True
    submit(city, title="先来的")  # committed: its entries linked by the (inline) worker
    assert not PendingEntry.objects.exists()
    queued = []
    # Huey runs the queued task inline under pytest; hold it to look before it runs.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("minxin.audit.tasks.link_now", lambda: queued.append(1))
        with transaction.atomic():
            submit(city, title="交给工作进程链接")
            submit(city, title="同一事务的第二件")
    if connections["default"].vendor == "sqlite":  # writers serialised: linked at once
        assert not PendingEntry.objects.exists()
        assert queued == []
        return
    assert queued == [1]  # one task for the transaction, however many entries it wrote
    assert PendingEntry.objects.count() == 4  # two timeline entries and two states
    from minxin.audit.tasks import link_now

    assert link_now.call_local() == 4  # the worker links them, in order
    assert link_now.call_local() == 0  # exactly once
    report = chain_verify()
    assert report.ok, report.problems
