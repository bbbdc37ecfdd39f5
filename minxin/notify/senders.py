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
    # True when the far end drops a repeat of a key it has seen: then a message whose
    # worker died during the call is sent again under the same key; else it is not.
    idempotent: bool

    def send(self, *, phone: str, text: str, key: str) -> None: ...


def receipt(key: str, channel: str, text: str = "") -> None:
    """What a sender that reaches no phone keeps instead: one receipt per key (a repeat is
    counted on it)."""
    from minxin.notify.models import DeliveryReceipt

    try:
        with transaction.atomic():
            DeliveryReceipt.objects.create(key=key, channel=channel, text=text)
    except IntegrityError:
        DeliveryReceipt.objects.filter(key=key).update(duplicates=F("duplicates") + 1)


class RecordingSender:
    """Sends nothing: a receipt per key stands in for the phone that would have received the
    message. Only in DEBUG or demo mode does the receipt keep the delivered text (codes
    included), for the demo's phone at /demo/sms/; the log never shows a code."""

    idempotent = True

    def send(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS to %s (%s characters)", phone[:3] + "****" + phone[-4:], len(text))
        receipt(key, "sms", text if settings.DEBUG or settings.DEMO_MODE else "")


def sender_is_idempotent() -> bool:
    return bool(getattr(get_sender(), "idempotent", False))


class HttpGatewaySender:
    """A generic SMS gateway: POST JSON {phone, text, id} to SMS_GATEWAY_URL.

    The message id doubles as the gateway's de-duplication key (most Chinese SMS providers
    take an out-id / 外部流水号 for exactly this); set SMS_GATEWAY_IDEMPOTENT=0 for a
    gateway that does not honour it."""

    @property
    def idempotent(self) -> bool:
        return settings.SMS_GATEWAY_IDEMPOTENT

    def send(self, *, phone: str, text: str, key: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "id": key}).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"gateway answered {response.status}")


def get_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()


def send_email(*, to: str, subject: str, body: str, key: str) -> None:
    """Django's email; the Message-ID comes from the key so mail clients fold repeats."""
    message = DjangoEmail(
        subject=subject, body=body, to=[to], headers={"Message-ID": f"<{key}@minxin>"}
    )
    message.send()
    if settings.EMAIL_BACKEND.endswith(("locmem.EmailBackend", "console.EmailBackend")):
        receipt(key, "email")
