"""Appends from many connections at once still make one unbroken chain (PostgreSQL: the
head row lock; SQLite: the write lock, transactions beginning IMMEDIATE)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from minxin.audit.models import ChainEntry
from minxin.audit.services import chain_append
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
    seqs = list(ChainEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    report = chain_verify()
    assert report.ok, report.problems


def test_concurrent_submissions_are_all_witnessed(city):
    def work(i: int) -> None:
        for _ in range(3):
            submit(city, title=f"并发{i}")

    assert run_at_once(work) == []
    assert (
        TimelineEvent.objects.count()
        == THREADS * 3
        == ChainEntry.objects.filter(kind="timeline").count()
    )
    report = chain_verify()
    assert report.ok, report.problems
