"""Two staff acting on one request at the same moment: exactly one wins.

Runs on PostgreSQL with two real connections (each thread has its own); on SQLite the
database serialises writers, so the same assertions hold and the test runs there too.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from minxin.accounts.models import User
from minxin.core.errors import Conflict
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db(transaction=True)


def _race(action, *actors: Actor) -> list[object]:
    barrier = threading.Barrier(len(actors))
    results: list[object] = [None] * len(actors)

    def run(i: int, actor: Actor) -> None:
        try:
            barrier.wait()
            results[i] = action(actor)
        except Exception as exc:  # collected and asserted on below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_handlers_signing_at_once_one_wins_one_gets_a_conflict(city, staff, attempt):
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=Actor.staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
    )
    users = [User.objects.get(username=n) for n in ("zhujian", "zhujian_head")]
    results = _race(
        lambda a: svc.ticket_sign(ticket_id=ticket.pk, actor=a), *[Actor.staff(u) for u in users]
    )
    wins = [r for r in results if isinstance(r, Ticket)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1, results
    assert len(conflicts) == 1, results
    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED
    assert ticket.events.filter(action="sign").count() == 1


def test_dispatch_and_reject_at_once_leave_one_explained_state(city, staff):
    ticket, _ = submit(city)
    intake = Actor.staff(staff["intake"])
    admin = Actor.staff(staff["admin"])
    results = _race(
        lambda a: (
            svc.ticket_dispatch(ticket_id=ticket.pk, actor=a, lead_unit_id=staff["zhujian"].unit_id)
            if a is intake
            else svc.ticket_reject(ticket_id=ticket.pk, actor=a, reason="重复")
        ),
        intake,
        admin,
    )
    assert sum(isinstance(r, Ticket) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    ticket.refresh_from_db()
    last = ticket.events.order_by("-id").first()
    assert last.to_status == ticket.status


def test_it_really_ran_on_two_connections():
    # Guard against the race tests silently sharing one connection.
    ids: list[int] = []

    def grab() -> None:
        ids.append(id(connections["default"]))
        connections.close_all()

    threads = [threading.Thread(target=grab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 2
    assert id(connection) not in ids


def _co_dispatched(city, staff) -> Ticket:
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=Actor.staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return ticket


def test_two_co_units_acting_at_once_take_turns_and_both_land(city, staff):
    from minxin.tickets import cohandling
    from minxin.tickets.models import Assignment

    ticket = _co_dispatched(city, staff)
    actors = [
        Actor.staff(User.objects.select_related("unit").get(username=n))
        for n in ("huanbao", "heping")
    ]
    results = _race(lambda a: cohandling.co_part_sign(ticket_id=ticket.pk, actor=a), *actors)
    assert all(isinstance(r, Assignment) for r in results), results
    results = _race(
        lambda a: cohandling.co_part_opinion(ticket_id=ticket.pk, actor=a, note="已核查"), *actors
    )
    assert all(isinstance(r, Assignment) for r in results), results
    assert ticket.events.filter(action="co_opinion").count() == 2


def test_one_co_unit_s_two_staff_giving_opinions_at_once_one_wins(city, staff):
    from minxin.tickets import cohandling
    from minxin.tickets.models import Assignment

    ticket = _co_dispatched(city, staff)
    actors = [
        Actor.staff(User.objects.select_related("unit").get(username=n))
        for n in ("heping", "heping_head")
    ]
    cohandling.co_part_sign(ticket_id=ticket.pk, actor=actors[0])
    results = _race(
        lambda a: cohandling.co_part_opinion(ticket_id=ticket.pk, actor=a, note="意见"), *actors
    )
    assert sum(isinstance(r, Assignment) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert ticket.events.filter(action="co_opinion").count() == 1
