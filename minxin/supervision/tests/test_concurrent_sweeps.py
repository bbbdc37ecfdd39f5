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


def sweeps_at_once(workers: int) -> list[dict]:
    """WORKERS sweeps started together, each on its own connection; their reports."""
    barrier = threading.Barrier(workers)
    results: list[dict] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(sweep())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_parallel_sweeps_share_the_work_without_overlap(city, staff):
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    intake = as_staff(staff["intake"])
    for _ in range(30):
        ticket, _ = submit(city)
        svc.ticket_dispatch(
            ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id
        )
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 4, 10)))
    results = sweeps_at_once(4)
    assert sum(r["red"] for r in results) == 30, results
    assert TimelineEvent.objects.filter(action="overdue").count() == 30
    assert SupervisionOrder.objects.count() == 30
    assert sweep()["red"] == 0


def test_two_sweeps_in_small_batches_open_each_order_and_its_notices_once(city, staff, monkeypatch):
    """Two workers at once, on PostgreSQL's row locks: every batch of the red pass is one
    worker's, and each order, its event, its step, its chain entries and its notices are
    written once."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises every writer)")
    from minxin.audit.verify import chain_verify
    from minxin.notify.models import EmailMessage, InboxMessage
    from minxin.supervision import sweeps
    from minxin.supervision.models import SupervisionEvent

    for name in ["zhujian", "zhujian_head"]:
        staff[name].email = f"{name}@example.org"
        staff[name].save()
    monkeypatch.setattr(sweeps, "BATCH", 7)
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 2, 10)))
    intake = as_staff(staff["intake"])
    ids = []
    for _ in range(40):
        ticket, _ = submit(city)
        svc.ticket_dispatch(
            ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id
        )
        ids.append(ticket.pk)
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, 4, 10)))
    results = sweeps_at_once(2)
    assert sorted(r["red"] for r in results) != [0, 40], results  # both took batches
    assert sum(r["red"] for r in results) == 40, results
    orders = SupervisionOrder.objects.filter(ticket_id__in=ids)
    assert sorted(orders.values_list("ticket_id", flat=True)) == sorted(ids)
    assert SupervisionEvent.objects.filter(order__in=orders, action="open").count() == 40
    for action in ["overdue", "supervise"]:
        steps = TimelineEvent.objects.filter(ticket_id__in=ids, action=action)
        assert sorted(steps.values_list("ticket_id", flat=True)) == sorted(ids)
    assert InboxMessage.objects.filter(event="supervision", ticket_id__in=ids).count() == 40
    # The handler and the head of the unit, once each per order.
    assert EmailMessage.objects.filter(event="supervision").count() == 80
    report = chain_verify()
    assert report.ok, report.problems
    assert sweep()["red"] == 0


def test_answering_an_order_takes_the_request_before_the_order(city, staff):
    """Rating locks the request, then its orders; answering an order must take them in the
    same order, or the two wait for each other (a deadlock found by benchmarks/soak.py)."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises every writer)")
    from django.db import transaction

    from minxin.supervision.services import supervision_open, supervision_respond
    from minxin.tickets.models import Ticket

    ticket, _ = submit(city)
    intake = as_staff(staff["intake"])
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff["zhujian"].unit_id)
    order = supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="快办")
    held, release, answered = threading.Event(), threading.Event(), threading.Event()

    def hold_the_request() -> None:  # as a rating does, before it reaches the orders
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=ticket.pk)
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    def answer() -> None:
        try:
            supervision_respond(
                order_id=order.pk, actor=as_staff(staff["zhujian"]), response="已整改"
            )
            answered.set()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_request)
    holder.start()
    assert held.wait(10)
    responder = threading.Thread(target=answer)
    responder.start()
    try:
        responder.join(2)
        assert not answered.is_set()  # waiting for the request
        with transaction.atomic():  # ...without holding the order the rating needs next
            SupervisionOrder.objects.select_for_update(nowait=True).get(pk=order.pk)
    finally:
        release.set()
        holder.join(30)
        responder.join(30)
    assert answered.is_set()
    assert SupervisionOrder.objects.get(pk=order.pk).state == "responded"
