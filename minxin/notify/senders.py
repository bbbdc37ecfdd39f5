"""Pluggable senders, chosen by settings (dotted paths). Each gets the message's idempotency
key and passes it on, so the far end can drop a repeat delivery."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.module_loading import import_string

logger = logging.getLogger("minxin.sms")


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str, key: str) -> None: ...


def _receipt(key: str, channel: str) -> None:
    from minxin.notify.models import DeliveryReceipt

    try:
        with transaction.atomic():
            DeliveryReceipt.objects.create(key=key, channel=channel)
    except IntegrityError:
        DeliveryReceipt.objects.filter(key=key).update(duplicates=F("duplicates") + 1)


class RecordingSender:
    """Sends nothing: the message stays in the database (shown on /demo/sms/) and the log,
    and a receipt per key stands in for the phone that would have received it."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)
        _receipt(key, "sms")


class HttpGatewaySender:
    """A generic SMS gateway: POST JSON {phone, text, id} to SMS_GATEWAY_URL.

    The message id doubles as the gateway's de-duplication key (most Chinese SMS providers
    take an out-id / 外部流水号 for exactly this)."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "id": key}).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL, data=body, method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": key,
                     "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"gateway answered {response.status}")


def get_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()


def send_email(*, to: str, subject: str, body: str, key: str) -> None:
    """Django's email; the Message-ID comes from the key so mail clients fold repeats."""
    message = DjangoEmail(subject=subject, body=body, to=[to],
                          headers={"Message-ID": f"<{key}@minxin>"})
    message.send()
    if settings.EMAIL_BACKEND.endswith(("locmem.EmailBackend", "console.EmailBackend")):
        _receipt(key, "email")
