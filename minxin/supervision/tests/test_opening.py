"""Opening supervision orders: what one order writes, and the sweep's batches writing for
each request exactly what `open_order` writes for it alone."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from minxin.analytics.models import RollupMark
from minxin.audit.coverage import ticket_states
from minxin.audit.models import ChainEntry
from minxin.audit.services import link_pending
from minxin.core import clock
from minxin.notify.models import EmailMessage, InboxMessage
from minxin.sla.deadlines import due_after
from minxin.supervision import opening, sweeps
from minxin.supervision.models import SupervisionEvent, SupervisionOrder
from minxin.supervision.opening import Opening, open_order, open_orders
from minxin.supervision.services import supervision_open
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket, TimelineEvent
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db
OVERDUE = SupervisionOrder.Reason.OVERDUE


def at(day: int) -> None:
    clock.freeze(timezone.make_aware(dt.datetime(2026, 11, day, 10)))


@pytest.fixture
def mailed(staff):
    """The centre's intake staff and the units' staff have addresses (one head has none)."""
    for name in ["intake", "zhujian", "heping", "heping_head"]:
        staff[name].email = f"{name}@example.org"
        staff[name].save()
    return staff


def requests(city, staff, n_signed: int = 1) -> list[int]:
    """Requests submitted on 2 Nov in every supervised position: waiting to be accepted (an
    order to the centre), being signed for by two units, being handled."""
    at(2)
    waiting, _ = submit(city)
    intake = as_staff(staff["intake"])
    ids = [waiting.pk]
    for unit in ["zhujian", "heping"]:
        ticket, _ = submit(city)
        svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff[unit].unit_id)
        ids.append(ticket.pk)
    for _ in range(n_signed):
        ids.append(to_signed(submit(city)[0], staff).pk)
    return ids


class Undone(Exception):
    pass


def written_by(action: Callable[[], Any], ids: list[int]) -> dict:
    """What ACTION writes for each request, undone afterwards."""
    seen: dict = {}
    marks = RollupMark.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with contextlib.suppress(Undone), transaction.atomic():
        action()
        seen.update({pk: written(pk) for pk in ids})
        seen["days"] = set(RollupMark.objects.filter(id__gt=marks).values_list("day", flat=True))
        raise Undone
    return seen


def written(pk: int) -> dict:
    """The request's rows, with the numbers a database hands out replaced by positions."""
    link_pending()
    orders = list(SupervisionOrder.objects.filter(ticket_id=pk).order_by("pk").values())
    order_ids = [order.pop("id") for order in orders]

    def positions(key: str) -> str:
        for i, order_id in enumerate(order_ids):
            key = key.replace(f"supervision:{order_id}:", f"supervision:#{i}:")
        return key

    events = list(TimelineEvent.objects.filter(ticket_id=pk).order_by("pk").values())
    refs = {f"timeline:{event.pop('id')}": f"timeline:#{i}" for i, event in enumerate(events)}
    chain = []
    for entry in ChainEntry.objects.filter(ref__in=[*refs, f"ticket:{pk}"]).order_by("seq"):
        payload = json.loads(entry.payload)
        if entry.kind == "timeline":
            payload["event"] = refs[entry.ref]
        chain.append((entry.kind, refs.get(entry.ref, entry.ref), entry.at, payload))
    # A state digest names the orders' ids: the last must be the request's state now.
    states = [payload for kind, _, _, payload in chain if kind == "state"]
    assert states[-1] == {"sm3": ticket_states([pk])[pk]}
    chain = [
        (kind, ref, moment, p if kind == "timeline" else "state") for kind, ref, moment, p in chain
    ]
    order_events = SupervisionEvent.objects.filter(order_id__in=order_ids).order_by("order", "pk")
    return {
        "orders": orders,
        "order events": [
            {**e, "order_id": order_ids.index(e["order_id"]), "id": None}
            for e in order_events.values()
        ],
        "timeline": events,
        "chain": chain,
        "inbox": [
            {**m, "id": None, "idempotency_key": positions(m["idempotency_key"])}
            for m in InboxMessage.objects.filter(ticket_id=pk).order_by("pk").values()
        ],
        "emails": [
            {
                **m,
                "id": None,
                "created_at": None,
                "idempotency_key": positions(m["idempotency_key"]),
            }
            for m in EmailMessage.objects.filter(ticket_id=pk).order_by("pk").values()
        ],
    }


def one_at_a_time(openings: list[Opening], *, reason: str, actor: Actor) -> list:
    return [
        open_order(o.ticket, reason=reason, actor=actor, note=o.note, unit_id=o.unit_id)
        for o in openings
    ]


def test_the_sweep_writes_for_each_request_what_open_order_writes_for_it_alone(
    city, mailed, monkeypatch
):
    ids = requests(city, mailed, n_signed=2)
    # The last one already has a live overdue order (opened before its deadline moved).
    open_order(Ticket.objects.get(pk=ids[-1]), reason=OVERDUE, actor=Actor.system_actor())
    at(25)
    batched = written_by(sweeps.sweep, ids)
    monkeypatch.setattr(sweeps, "open_orders", one_at_a_time)
    alone = written_by(sweeps.sweep, ids)
    assert batched == alone
    # ...and both wrote what an order writes: checked once, here, on the batched run.
    assert [len(batched[pk]["orders"]) for pk in ids] == [1, 1, 1, 1, 1]
    assert [len(batched[pk]["emails"]) for pk in ids] == [1, 1, 2, 1, 1]
    assert dt.date(2026, 11, 25) in batched["days"]
    for pk in ids[:-1]:
        actions = [e["action"] for e in batched[pk]["timeline"]]
        assert actions[-2:] == ["overdue", "supervise"]
        assert [e["action"] for e in batched[pk]["order events"]] == ["open"]
        assert [kind for kind, *_ in batched[pk]["chain"]][-4:] == [
            "timeline",
            "state",
            "timeline",
            "state",
        ]
        assert "supervision" in [m["event"] for m in batched[pk]["inbox"]]


def test_an_order_from_a_supervisor_writes_its_event_step_and_notices(city, mailed):
    ids = requests(city, mailed)
    waiting, signed = ids[0], ids[-1]
    supervisor = as_staff(mailed["supervisor"])
    for pk, unit, emailed in [
        (signed, mailed["zhujian"].unit, ["zhujian@example.org"]),
        (waiting, None, ["intake@example.org"]),
    ]:
        order = supervision_open(ticket_id=pk, actor=supervisor, note="快办")
        assert (order.unit, order.reason, order.level, order.state) == (unit, "manual", 1, "open")
        assert (
            order.respond_by
            == order.escalate_at
            == due_after(clock.now(), settings.SUPERVISION_ESCALATE_DAYS)
        )
        event = order.events.get()
        assert (event.action, event.actor, event.note) == ("open", mailed["supervisor"], "快办")
        step = TimelineEvent.objects.filter(ticket_id=pk).order_by("pk").last()
        assert (step.action, step.note, step.public) == (
            "supervise",
            "督办（人工督办）：快办",
            False,
        )
        # An order to the centre is entered under the supervisor's own unit, as record() does.
        assert step.unit == (unit or mailed["supervisor"].unit)
        link_pending()
        assert ChainEntry.objects.filter(ref=f"timeline:{step.pk}").exists()
        inbox = InboxMessage.objects.get(idempotency_key=f"supervision:{order.pk}:1")
        assert (inbox.unit, inbox.ticket_id) == (unit, pk)
        assert order.ticket.display_code in inbox.text
        emails = EmailMessage.objects.filter(idempotency_key__startswith=f"supervision:{order.pk}:")
        assert sorted(emails.values_list("to", flat=True)) == emailed
        assert {m.body for m in emails} == {inbox.text}
    assert RollupMark.objects.filter(day=dt.date(2026, 11, 2)).exists()


def test_each_step_of_a_batch_is_announced_as_a_saved_step(city, mailed):
    """Receivers of a saved step (crosscity reports a transferred request's to its origin)
    hear of each step a batch writes, as they do of one `record` writes."""
    from django.db.models.signals import post_save

    heard: list[tuple[int, str, bool]] = []

    def saved(sender: type, instance: TimelineEvent, created: bool, **kwargs: Any) -> None:
        heard.append((instance.ticket_id, instance.action, created))

    ids = requests(city, mailed, n_signed=2)
    at(25)
    post_save.connect(saved, sender=TimelineEvent, dispatch_uid="test-heard")
    try:
        assert sweeps.sweep()["red"] == len(ids)
    finally:
        post_save.disconnect(sender=TimelineEvent, dispatch_uid="test-heard")
    assert sorted(pk for pk, action, _ in heard if action == "supervise") == sorted(ids)
    assert all(created for *_, created in heard)


def test_opening_again_writes_nothing(city, mailed):
    ids = requests(city, mailed)
    openings = [Opening(t, note="超期") for t in Ticket.objects.filter(pk__in=ids)]
    system = Actor.system_actor()
    assert None not in open_orders(openings, reason=OVERDUE, actor=system)
    counts = [m.objects.count() for m in (TimelineEvent, InboxMessage, EmailMessage)]
    assert open_orders(openings, reason=OVERDUE, actor=system) == [None] * len(ids)
    assert [m.objects.count() for m in (TimelineEvent, InboxMessage, EmailMessage)] == counts
    assert SupervisionEvent.objects.count() == SupervisionOrder.objects.count() == len(ids)


def test_an_order_slipped_in_between_the_check_and_the_insert_is_left_out(
    city, mailed, monkeypatch
):
    first, *others = requests(city, mailed)
    system = Actor.system_actor()
    open_order(Ticket.objects.get(pk=first), reason=OVERDUE, actor=system)
    monkeypatch.setattr(opening, "LIVE_STATES", [])  # the check sees no live order
    tickets = list(Ticket.objects.filter(pk__in=[first, *others]).order_by("pk"))
    opened = open_orders([Opening(t) for t in tickets], reason=OVERDUE, actor=system)
    assert opened[0] is None
    assert None not in opened[1:]
    assert SupervisionOrder.objects.filter(ticket_id=first).count() == 1
    assert TimelineEvent.objects.filter(ticket_id=first, action="supervise").count() == 1
    assert SupervisionOrder.objects.count() == len(tickets)


def test_a_red_batch_takes_as_many_queries_for_many_requests_as_for_a_few(city, mailed):
    counts = []
    for signed in (1, 2, 8):  # the first warms the caches
        requests(city, mailed, n_signed=signed)
        at(25)
        with CaptureQueriesContext(connection) as queries:
            assert sweeps.sweep()["red"] == 3 + signed
        counts.append(len(queries))
    assert counts[1] == counts[2], counts
