"""The lease every outbox claims its rows with (core.leases), on one outbox table."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from minxin.core import clock
from minxin.core.leases import LeasedOutbox, retry_delay
from minxin.notify.models import EmailMessage

LEASE = dt.timedelta(seconds=60)
outbox = LeasedOutbox(EmailMessage, lease=LEASE)
T0 = timezone.make_aware(dt.datetime(2026, 12, 1, 10))


def rows(n: int, **fields: object) -> list[int]:
    made = [
        EmailMessage.objects.create(
            idempotency_key=f"k{EmailMessage.objects.count()}-{i}",
            to="a@example.org",
            subject="s",
            body="b",
            **fields,
        )
        for i in range(n)
    ]
    return [m.pk for m in made]


@pytest.mark.django_db
def test_a_row_is_claimed_by_one_worker_until_its_lease_runs_out():
    clock.freeze(T0)
    [pk] = rows(1)
    until = outbox.claim(pk)
    assert until == T0 + LEASE
    assert outbox.claim(pk) is None
    clock.freeze(T0 + LEASE + dt.timedelta(seconds=1))
    assert outbox.claim(pk) is not None


@pytest.mark.django_db
def test_only_pending_or_sending_rows_whose_time_has_come_are_due():
    clock.freeze(T0)
    due = rows(1) + rows(1, status="sending")
    for status in ("sent", "failed", "uncertain"):
        rows(1, status=status)
    rows(1, next_attempt_at=T0 + dt.timedelta(minutes=5))
    rows(1, claimed_until=T0 + dt.timedelta(seconds=5))
    until, claimed = outbox.claim_due(limit=100)
    assert claimed == due
    assert set(EmailMessage.objects.filter(pk__in=due).values_list("claimed_until", flat=True)) == {
        until
    }
    assert outbox.claim_due(limit=100)[1] == []


@pytest.mark.django_db
def test_a_batch_takes_the_oldest_first_up_to_the_limit():
    pks = rows(5)
    assert outbox.claim_due(limit=3)[1] == pks[:3]
    assert outbox.claim_due(limit=3)[1] == pks[3:]


@pytest.mark.django_db
def test_starting_counts_the_attempt_and_renews_the_lease():
    clock.freeze(T0)
    [pk] = rows(1)
    until = outbox.claim(pk)
    assert until is not None
    clock.freeze(T0 + dt.timedelta(seconds=50))
    renewed = outbox.start(pk, until)
    assert renewed == T0 + dt.timedelta(seconds=110)
    row = EmailMessage.objects.get(pk=pk)
    assert (row.status, row.attempts, row.claimed_until) == ("sending", 1, renewed)
    assert outbox.succeed(pk, renewed, error="")
    row.refresh_from_db()
    assert (row.status, row.claimed_until) == ("sent", None)


@pytest.mark.django_db
def test_a_worker_whose_lease_was_taken_over_changes_nothing():
    clock.freeze(T0)
    [pk] = rows(1)
    mine = outbox.claim(pk)
    assert mine is not None
    clock.freeze(T0 + LEASE + dt.timedelta(seconds=1))
    theirs = outbox.claim(pk)
    assert theirs is not None
    assert outbox.start(pk, mine) is None
    assert not outbox.succeed(pk, mine)
    outbox.fail(pk, mine, attempts=1, max_attempts=8, error="late")
    row = EmailMessage.objects.get(pk=pk)
    assert (row.status, row.attempts, row.claimed_until, row.error) == ("pending", 0, theirs, "")


@pytest.mark.django_db
def test_a_failure_waits_longer_each_time_and_fails_for_good_at_the_last_attempt():
    clock.freeze(T0)
    [pk] = rows(1)
    for attempt in (1, 2, 3):
        claimed = outbox.claim(pk)
        assert claimed is not None
        until = outbox.start(pk, claimed)
        assert until is not None
        final = outbox.fail(pk, until, attempts=attempt, max_attempts=3, error="x" * 400)
        row = EmailMessage.objects.get(pk=pk)
        assert row.next_attempt_at == clock.now() + retry_delay(attempt)
        assert len(row.error) == 300
        assert final is (attempt == 3)
        assert row.status == ("failed" if final else "pending")
        clock.freeze(row.next_attempt_at)
    assert outbox.claim(pk) is None
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 30)] == [60, 120, 240, 3600, 3600]


@pytest.mark.django_db(transaction=True)
def test_two_claimers_at_once_get_disjoint_rows_without_waiting():
    if connections["default"].vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises every writer)")
    pks = rows(10)
    held, release = threading.Event(), threading.Event()
    first: list[int] = []

    def hold_a_batch() -> None:
        try:
            with transaction.atomic():  # the batch's row locks stay until this commits
                first.extend(outbox.claim_due(limit=5)[1])
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_a_batch)
    thread.start()
    try:
        assert held.wait(30)
        # Skips the locked rows at once rather than waiting for them (or taking them).
        second = outbox.claim_due(limit=10)[1]
        still_held = thread.is_alive()  # a claimer that waited would see the batch released
    finally:
        release.set()
        thread.join(30)
    assert still_held
    assert first == pks[:5]
    assert second == pks[5:]


@pytest.mark.django_db(transaction=True)
def test_many_claimers_share_the_rows_without_overlap():
    pks = rows(60)
    barrier = threading.Barrier(4)
    taken: list[list[int]] = []
    errors: list[BaseException] = []

    def claimer() -> None:
        try:
            barrier.wait()
            while batch := outbox.claim_due(limit=7)[1]:
                taken.append(batch)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    claimed = [pk for batch in taken for pk in batch]
    assert sorted(claimed) == pks  # every row once: none twice, none left
