"""Webhooks delivered over HTTP to a receiver on loopback that checks every signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.tickets.actors import Actor
from minxin.tickets.services import ticket_accept
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.webhooks import delivery, fanout
from minxin.webhooks.models import Delivery, Subscription
from minxin.webhooks.services import subscription_create
from minxin.webhooks.tasks import webhooks_deliver
from minxin.webhooks.tests.receiver import Receiver, running

PHONE = "13812345678"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running(Receiver()) as r:
        yield r


def subscribe(receiver: Receiver, *types: str, algorithm: str = "hmac-sm3") -> Subscription:
    subscription = subscription_create(
        name=f"城运中心-{algorithm}", url=receiver.url, event_types=types, algorithm=algorithm
    )
    receiver.secret = subscription.secret
    return subscription


def run_worker() -> int:
    fanout.fan_out()
    return delivery.deliver_due()


def post(url: str, headers: dict[str, str], body: bytes) -> int:
    """Send again what the receiver got (its own framing headers left to urllib)."""
    kept = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "host")}
    request = urllib.request.Request(url, data=body, method="POST", headers=kept)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_steps_reach_the_receiver_signed_without_personal_data_or_notes(
    receiver: Receiver, city: dict, staff: dict
) -> None:
    subscribe(receiver, "submitted", "accepted", "dispatched")
    ticket, _ = submit(city, phone=PHONE, title="三号楼电梯故障")
    to_signed(ticket, staff)  # submit, accept, dispatch, sign: sign is not subscribed
    webhooks_deliver.call_local()
    assert [d["event_type"] for d in receiver.accepted] == ["submitted", "accepted", "dispatched"]
    dispatched = receiver.accepted[2]["request"]
    assert dispatched["tracking_code"] == ticket.tracking_code
    assert (dispatched["status"], dispatched["lead_unit"]["code"]) == ("dispatched", "zhujian")
    assert dispatched["category"]["name"] == "物业管理"
    everything = b"".join(body for _, body in receiver.raw).decode()
    for private in (PHONE, "张三", "三号楼电梯故障", "电梯停运", "通过网站提交", "主办："):
        assert private not in everything
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_receiver_that_is_down_gets_retries_and_then_the_delivery_once(
    receiver: Receiver, city: dict
) -> None:
    subscribe(receiver, "submitted")
    receiver.down = 2
    submit(city)
    start = clock.now()
    assert run_worker() == 0
    assert run_worker() == 0  # not due again before its backoff
    clock.freeze(start + dt.timedelta(minutes=2))
    assert run_worker() == 0
    clock.freeze(start + dt.timedelta(minutes=10))
    assert run_worker() == 1
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.response_status) == ("sent", 3, 200)
    assert receiver.answers == [503, 503, 200]
    # A worker that died after the receiver had it: the lease runs out, it is sent again
    # under the same delivery id, the receiver refuses the repeat, and it counts as sent.
    Delivery.objects.update(status="sending", claimed_until=clock.now() - dt.timedelta(seconds=1))
    assert run_worker() == 1
    assert receiver.answers[-1] == 409
    assert len(receiver.accepted) == 1
    assert Delivery.objects.get().status == "sent"


def test_a_delivery_that_never_gets_through_fails_after_its_attempts(
    receiver: Receiver, city: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "MAX_ATTEMPTS", 3)
    subscribe(receiver, "submitted")
    receiver.down = 100
    submit(city)
    start = clock.now()
    for hours in range(5):
        clock.freeze(start + dt.timedelta(hours=hours))
        run_worker()
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.error) == ("failed", 3, "HTTP 503")
    receiver.down = 0
    delivery.retry([row.pk])
    assert run_worker() == 1
    assert len(receiver.accepted) == 1


def test_a_replayed_or_tampered_delivery_is_refused_by_the_receiver(
    receiver: Receiver, city: dict
) -> None:
    subscribe(receiver, "submitted")
    submit(city)
    run_worker()
    headers, body = receiver.raw[0]
    assert post(receiver.url, headers, body) == 409
    forged = body.replace(b'"submitted"', b'"closed"')
    fresh = {**headers, "X-Minxin-Delivery": "00000000-0000-0000-0000-000000000000"}
    assert post(receiver.url, fresh, body) == 401
    assert post(receiver.url, headers, forged) == 401
    assert len(receiver.accepted) == 1


def test_hmac_sha256_checks_with_the_standard_library(receiver: Receiver, city: dict) -> None:
    subscription = subscribe(receiver, "submitted", algorithm="hmac-sha256")
    submit(city)
    run_worker()
    headers, body = receiver.raw[0]
    message = f"{headers['X-Minxin-Timestamp']}.{headers['X-Minxin-Delivery']}.".encode() + body
    expected = hmac.new(subscription.secret.encode(), message, hashlib.sha256).hexdigest()
    assert headers["X-Minxin-Signature"] == f"hmac-sha256={expected}"
    assert headers["X-Minxin-Event"] == "submitted"
    assert json.loads(body)["delivery_id"] == headers["X-Minxin-Delivery"]


def test_each_step_is_delivered_once_however_often_the_worker_reads_it(
    receiver: Receiver, city: dict, staff: dict
) -> None:
    earlier, _ = submit(city)  # before the subscription: not owed
    subscription = subscribe(receiver, "submitted", "accepted", "closed")
    ticket, _ = submit(city)
    ticket_accept(ticket_id=ticket.pk, actor=Actor.staff(staff["intake"]))
    fanout.fan_out()
    Subscription.objects.update(cursor=subscription.cursor)  # read the same steps again
    fanout.fan_out()
    fanout.fan_out()
    assert sorted(Delivery.objects.values_list("event_type", flat=True)) == [
        "accepted",
        "submitted",
    ]
    delivery.deliver_due()
    delivery.deliver_due()
    assert [d["request"]["tracking_code"] for d in receiver.accepted] == [ticket.tracking_code] * 2
    assert earlier.tracking_code not in b"".join(b for _, b in receiver.raw).decode()


def test_an_unknown_event_type_is_refused_and_nothing_is_made(receiver: Receiver, db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed, match="未知的事件类型"):
        subscribe(receiver, "submitted", "exploded")
    with pytest.raises(CommandError, match="未知的事件类型"):
        call_command("webhook-subscription", "create", "x", receiver.url, "--events", "nope")
    assert not Subscription.objects.exists()
