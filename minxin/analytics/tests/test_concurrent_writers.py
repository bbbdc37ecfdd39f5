"""Writers and workers at the same time (PostgreSQL: real connections, one per thread; on
SQLite the database serialises writers and the same assertions hold): no change is lost."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import OperationalError, connections

from minxin.analytics import rollups
from minxin.analytics.figures import Scope, direct
from minxin.analytics.reads import period_figures
from minxin.analytics.tests import walk
from minxin.core import clock
from minxin.supervision.records import Period

pytestmark = pytest.mark.django_db(transaction=True)
T = TypeVar("T")


def _threads(*jobs: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def _retrying(step: Callable[[], T]) -> T:
    """A step the database aborted as a deadlock victim is tried again, as a client does:
    concurrent workflow steps can deadlock on PostgreSQL without the rollups (the audit
    chain's head and the requests' rows are locked in different orders), which is not what
    this test is about."""
    for _ in range(10):
        try:
            return step()
        except OperationalError as exc:
            if "deadlock" not in str(exc):
                raise
    return step()


def test_writers_and_workers_at_once_lose_nothing(city, staff):  # type: ignore[no-untyped-def]
    walk.at("2026-03-02", 9)
    done = threading.Event()

    def writer(unit: str) -> Callable[[], None]:
        def write() -> None:
            for _ in range(4):
                t = _retrying(lambda: walk.submit(city))
                _retrying(lambda: walk.accept(t, staff))  # noqa: B023 (called at once)
                _retrying(lambda: walk.dispatch(t, staff, unit))  # noqa: B023
                _retrying(lambda: walk.sign(t, staff, unit))  # noqa: B023
                _retrying(lambda: walk.reply(t, staff, unit))  # noqa: B023
                _retrying(lambda: walk.approve(t, staff))  # noqa: B023
                _retrying(lambda: walk.rate(t, staff, "satisfied"))  # noqa: B023

        return write

    def worker() -> None:
        # As often as the writers can bear: the real worker runs once a minute. Without a
        # pause two workers in a tight loop keep SQLite's one write lock from the writers
        # past its 30 s busy timeout ("database is locked").
        while not done.is_set():
            rollups.refresh(batch=7)
            time.sleep(0.05)

    def writers() -> None:
        try:
            assert not _threads(writer("zhujian"), writer("huanbao"), writer("heping"))
        finally:
            done.set()

    assert not _threads(writers, worker, worker)
    rollups.refresh_all()
    period = Period(dt.date(2026, 3, 1), clock.today())
    found = period_figures(period, Scope())
    assert found == direct(period, Scope())
    assert (found.submitted, found.closed, found.satisfied) == (12, 12, 12)
