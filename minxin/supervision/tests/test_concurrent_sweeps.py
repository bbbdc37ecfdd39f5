"""Several workers sweeping at once warn each request once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from minxin.core import clock
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.sweeps import sweep
from minxin.tickets import services as svc
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_sweeps_share_the_work_without_overlap(city, staff):
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    intake = as_staff(staff["intake"])
    for _ in range(30):
        ticket, _ = submit(city)
        svc.ticket_dispatch(
            ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id
        )
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 4, 10)))
    barrier = threading.Barrier(4)
    results: list[dict] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(sweep())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r["red"] for r in results) == 30, results
    assert TimelineEvent.objects.filter(action="overdue").count() == 30
    assert SupervisionOrder.objects.count() == 30
    assert sweep()["red"] == 0
