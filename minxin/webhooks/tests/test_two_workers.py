"""Two workers at once: every step becomes one delivery, and the receiver gets each once."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from minxin.tickets.tests.helpers import submit
from minxin.webhooks import delivery, fanout
from minxin.webhooks.models import Delivery
from minxin.webhooks.services import subscription_create
from minxin.webhooks.tests.receiver import Receiver, running

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_deliver_each_step_exactly_once(city: dict) -> None:
    with running(Receiver()) as receiver:
        subscription = subscription_create(
            name="城运中心", url=receiver.url, event_types=["submitted"]
        )
        receiver.secret = subscription.secret
        codes = {submit(city)[0].tracking_code for _ in range(12)}
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                barrier.wait()
                for _ in range(3):
                    fanout.fan_out()
                    delivery.deliver_due()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert not errors, errors
    assert Delivery.objects.count() == 12
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(d["request"]["tracking_code"] for d in receiver.accepted) == sorted(codes)
    assert receiver.answers == [200] * 12
