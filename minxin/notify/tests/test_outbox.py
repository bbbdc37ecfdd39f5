"""The outbox delivers every message once from the recipient's point of view, even when a
worker is killed before or after the send, and holds citizens' SMS in quiet hours."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from minxin.core import clock
from minxin.notify import services
from minxin.notify.models import DeliveryReceipt, SmsMessage, Status

ROOT = Path(__file__).resolve().parents[3]


def queue_one(key: str = "k1") -> SmsMessage:
    message = SmsMessage.objects.create(
        idempotency_key=key, phone="13800001111", text="hello", purpose="test"
    )
    return message


def later(minutes: int = 2) -> None:
    clock.freeze(timezone.now() + dt.timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_worker_that_dies_after_sending_does_not_make_a_second_message():
    message = queue_one()
    assert services.claim("sms", message.pk)
    services._send("sms", message)  # ...and the worker dies before marking it sent
    assert services.deliver_due() == 0  # its lease still holds
    later()
    assert services.deliver_due() == 1
    receipt = DeliveryReceipt.objects.get(key="k1")
    assert receipt.duplicates == 1
    assert DeliveryReceipt.objects.count() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


@pytest.mark.django_db
def test_a_worker_that_dies_before_sending_leaves_it_for_the_next():
    message = queue_one()
    assert services.claim("sms", message.pk)
    later()
    assert services.deliver_due() == 1
    assert DeliveryReceipt.objects.get(key="k1").duplicates == 0


@pytest.mark.django_db
def test_two_workers_never_hold_the_same_message():
    message = queue_one()
    assert services.claim("sms", message.pk)
    assert services.claim("sms", message.pk) is None
    assert services.deliver("sms", message.pk) is False


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_backoff_until_it_works(settings, monkeypatch):
    message = queue_one()
    calls = []

    def flaky(channel, m):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("gateway down")

    monkeypatch.setattr(services, "_send", flaky)
    assert services.deliver_due() == 0
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.status == Status.PENDING
    assert message.next_attempt_at
    assert services.deliver_due() == 0  # not due yet: backoff
    clock.freeze(message.next_attempt_at + dt.timedelta(seconds=1))
    assert services.deliver_due() == 0
    message.refresh_from_db()
    clock.freeze(message.next_attempt_at + dt.timedelta(seconds=1))
    assert services.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert message.attempts == 3


@pytest.mark.django_db
def test_citizens_are_not_messaged_at_night_unless_urgent(settings):
    settings.QUIET_HOURS = "22:00-08:00"
    night = timezone.make_aware(dt.datetime(2026, 12, 1, 23, 0))
    clock.freeze(night)
    held = services.sms_queue(phone="13800001111", text="已受理", purpose="accepted", key="a")
    code = services.sms_queue(phone="13800001111", text="验证码", purpose="verify", key="b")
    urgent = services.sms_queue(phone="13800001111", text="燃气", purpose="x", key="c", urgent=True)
    assert timezone.localtime(held.next_attempt_at).hour == 8
    assert code.next_attempt_at is None
    assert urgent.next_attempt_at is None
    assert services.deliver_due() == 2
    clock.freeze(timezone.make_aware(dt.datetime(2026, 12, 2, 8, 1)))
    assert services.deliver_due() == 1


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


CRASHING_WORKER = textwrap.dedent("""
    import os, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "minxin.settings"
    django.setup()
    from minxin.notify import services
    real_send = services._send
    def send_then_die(channel, message):
        if os.environ["CRASH"] == "before":
            os._exit(9)
        real_send(channel, message)
        os._exit(9)
    services._send = send_then_die
    services.deliver_due()
""")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_killed_worker_process_loses_nothing_and_sends_once(when):
    for i in range(3):
        queue_one(f"m{i}")
    env = {**os.environ, "DATABASE_URL": _database_url(), "CRASH": when, "HUEY_IMMEDIATE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 9, done.stderr.decode()[-2000:]
    later()  # the dead worker's lease runs out; a fresh worker takes over
    assert services.deliver_due() == 3
    assert SmsMessage.objects.filter(status=Status.SENT).count() == 3
    receipts = {r.key: r.duplicates for r in DeliveryReceipt.objects.all()}
    assert set(receipts) == {"m0", "m1", "m2"}
    assert receipts["m0"] == (1 if when == "after" else 0)


class GatewayWithoutKeys:
    """A sender whose far end cannot drop a repeated key."""

    idempotent = False

    def send(self, *, phone: str, text: str, key: str) -> None:
        from minxin.notify.senders import receipt

        receipt(key, "sms")


def kill_during_the_call(sender: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CRASH": "after",
        "HUEY_IMMEDIATE": "1",
        "SMS_SENDER": sender,
    }
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 9, done.stderr.decode()[-2000:]


@pytest.mark.django_db(transaction=True)
def test_a_kill_during_the_gateway_call_leaves_the_message_sending_with_its_key(settings):
    # Finding 9: killed workers made 209 gateway calls for 207 messages, blindly.
    sender = f"{__name__}.GatewayWithoutKeys"
    settings.SMS_SENDER = sender
    queue_one("m0")
    kill_during_the_call(sender)
    message = SmsMessage.objects.get(idempotency_key="m0")
    assert message.status == Status.SENDING
    assert message.sending_at is not None
    later()
    assert services.deliver_due() == 0  # not called again: the gateway cannot drop a repeat
    message.refresh_from_db()
    assert message.status == Status.UNCERTAIN
    assert "人工核实" in message.error
    assert DeliveryReceipt.objects.get(key="m0").duplicates == 0


@pytest.mark.django_db(transaction=True)
def test_an_idempotent_gateway_gets_the_cut_off_message_again_under_the_same_key():
    queue_one("m0")
    kill_during_the_call("minxin.notify.senders.RecordingSender")
    assert SmsMessage.objects.get().status == Status.SENDING
    later()
    assert services.deliver_due() == 1
    assert SmsMessage.objects.get().status == Status.SENT
    receipt = DeliveryReceipt.objects.get(key="m0")  # one message: the repeat was dropped
    assert receipt.duplicates == 1
    assert DeliveryReceipt.objects.count() == 1
