"""Queue SMS in the caller's transaction; deliver after commit, safe to run twice."""

from __future__ import annotations

import logging
import uuid

from django.db import transaction

from minxin.core import clock
from minxin.notify.models import SmsMessage
from minxin.notify.senders import get_sender

logger = logging.getLogger(__name__)


def sms_queue(*, phone: str, text: str, purpose: str, key: str | None = None) -> SmsMessage:
    message, _ = SmsMessage.objects.get_or_create(
        idempotency_key=key or uuid.uuid4().hex,
        defaults={"phone": phone, "text": text, "purpose": purpose},
    )
    transaction.on_commit(lambda: sms_deliver(message_id=message.pk))
    return message


def sms_deliver(*, message_id: int) -> bool:
    """Claim the message, send it, mark it sent. A claimed-but-failed send stays pending."""
    claimed = SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.PENDING)
    message = claimed.first()
    if message is None:
        return False
    try:
        get_sender().send(phone=message.phone, text=message.text, key=message.idempotency_key)
    except Exception as exc:  # a gateway failure must not lose the message
        logger.warning("SMS %s not delivered: %s", message_id, exc)
        SmsMessage.objects.filter(pk=message_id).update(attempts=message.attempts + 1,
                                                         error=str(exc)[:300])
        return False
    SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.PENDING).update(
        status=SmsMessage.Status.SENT, sent_at=clock.now(), attempts=message.attempts + 1)
    return True


def sms_deliver_pending(limit: int = 100) -> int:
    ids = SmsMessage.objects.filter(status=SmsMessage.Status.PENDING).values_list("pk", flat=True)
    return sum(sms_deliver(message_id=pk) for pk in list(ids[:limit]))
