"""The generic HTTP SMS gateway and email channels deliver with the idempotency key."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from minxin.notify import services
from minxin.notify.models import EmailMessage, SmsMessage, Status

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    received: list[dict] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append({"body": body, "key": self.headers["Idempotency-Key"]})
        self.send_response(503 if Gateway.fail else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received, Gateway.fail = [], False
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_SENDER = "minxin.notify.senders.HttpGatewaySender"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_GATEWAY_TOKEN = "t"
    yield Gateway
    server.shutdown()


def test_the_http_gateway_gets_the_message_and_its_key(gateway):
    message = SmsMessage.objects.create(
        idempotency_key="k-1", phone="13800001111", text="您的诉求已受理", purpose="accepted"
    )
    assert services.deliver("sms", message.pk)
    assert gateway.received == [
        {"body": {"phone": "13800001111", "text": "您的诉求已受理", "id": "k-1"}, "key": "k-1"}
    ]


def test_a_failing_gateway_leaves_the_message_pending_for_a_retry(gateway):
    gateway.fail = True
    message = SmsMessage.objects.create(
        idempotency_key="k-2", phone="13800001111", text="x", purpose="accepted"
    )
    assert not services.deliver("sms", message.pk)
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.attempts == 1
    assert message.error


def test_email_carries_a_message_id_from_the_key(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = services.email_queue(
        to="unit@example.gov.cn", subject="督办通知", body="请回复", key="mail-1"
    )
    assert services.deliver("email", message.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == "<mail-1@minxin>"
    assert EmailMessage.objects.get().status == Status.SENT
