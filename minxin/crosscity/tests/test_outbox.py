"""The outbox: a peer that does not answer gets the message again later, one that refuses
it is given up on, and the commands an operator uses."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from minxin.core import clock
from minxin.crosscity import outbox, seal
from minxin.crosscity.models import Message, Peer
from minxin.crosscity.tests.test_transfer import _send
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db


def _peer(url: str) -> Peer:
    return Peer.objects.create(
        code="local", name="邻市", base_url=url, public_key=seal.our_public_key()
    )


def test_a_peer_that_does_not_answer_gets_it_again_later(city, staff):
    _peer("http://127.0.0.1:9")  # nothing listens there
    _send(staff, submit(city)[0])
    message = Message.objects.get()
    assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.delivered_at is None
    assert message.failed_at is None
    assert message.next_attempt_at > clock.now()
    assert message.last_error
    assert outbox.deliver_due() == 0  # not due yet: nothing is tried
    assert Message.objects.get().attempts == 1
    out = io.StringIO()
    call_command("crosscity", "deliver", "--all", stdout=out)
    assert out.getvalue().strip() == "0 delivered, 1 waiting"
    assert Message.objects.get().attempts == 2


def test_a_refusal_is_final(city, staff, live_server):
    _peer(live_server.url)
    Peer.objects.filter(code="local").update(
        public_key=seal.seal(b"x", seal.our_public_key())[:128]
    )
    _send(staff, submit(city)[0])  # signed with our key, checked against another: 401
    message = Message.objects.get()
    assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.failed_at is not None
    assert message.last_error.startswith("401")


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(50).total_seconds() == 3600


def test_the_commands_give_our_key_and_register_a_peer(db):
    out = io.StringIO()
    call_command("crosscity", "whoami", stdout=out)
    assert out.getvalue().split()[-1] == seal.our_public_key()
    key = "04" + seal.our_public_key()
    call_command("crosscity", "peer", "yi", "--name", "乙市", "--url", "http://b", "--key", key)
    assert Peer.objects.get(code="yi").public_key == seal.our_public_key()
