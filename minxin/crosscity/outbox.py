"""Sending the outbox: claim a message, post it, and record what the peer answered.

A message is claimed with a lease (`claimed_until`) so two workers never send it at once;
sent until the peer answers 2xx, retried with backoff after a network error or a 5xx, given
up after a 4xx other than 408/409/429 (the peer refused it: sending it again would not change that). The receiver
takes a message id and a transfer id once only, so a message sent again after a lost
answer changes nothing there.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.db.models import Q

from minxin.core import clock
from minxin.crosscity.models import Message

LEASE = dt.timedelta(minutes=2)
MAX_BACKOFF = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30 * 2 ** min(attempts - 1, 10)), MAX_BACKOFF)


def _claim(message_id: uuid.UUID | str) -> Message | None:
    now = clock.now()
    claimed = (
        Message.objects.filter(pk=message_id, delivered_at=None, failed_at=None)
        .filter(Q(claimed_until=None) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE)
    )
    if not claimed:
        return None
    message = Message.objects.select_related("peer").get(pk=message_id)
    earlier = Message.objects.filter(
        transfer_id=message.transfer_id,
        created_at__lt=message.created_at,
        delivered_at=None,
        failed_at=None,
    )
    if earlier.exists():  # in order: a request's progress never overtakes its transfer
        Message.objects.filter(pk=message.pk).update(claimed_until=None)
        return None
    return message


def _post(message: Message) -> tuple[int, str]:
    """(status, text) of the peer's answer; status 0 when none came."""
    request = urllib.request.Request(
        message.peer.base_url.rstrip("/") + "/crosscity/v1/messages",
        data=message.body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Minxin-City": settings.CITY_CODE,
            "X-Minxin-Signature": message.signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CROSSCITY_TIMEOUT_SECONDS) as answer:
            return answer.status, answer.read(2000).decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read(2000).decode(errors="replace")
    except (OSError, ValueError) as error:  # refused, reset, timed out, bad URL
        return 0, str(error)


def deliver(message_id: uuid.UUID | str) -> bool:
    """Send one message if it is due and nobody else is; True when the peer took it."""
    message = _claim(message_id)
    if message is None:
        return False
    status, text = _post(message)
    now = clock.now()
    message.attempts += 1
    message.claimed_until = None
    message.last_error = "" if 200 <= status < 300 else f"{status or '无应答'} {text}"[:2000]
    if 200 <= status < 300:
        message.delivered_at = now
    elif 400 <= status < 500 and status not in (408, 409, 425, 429):
        message.failed_at = now
    else:
        message.next_attempt_at = now + backoff(message.attempts)
    message.save(
        update_fields=[
            "attempts",
            "claimed_until",
            "last_error",
            "delivered_at",
            "failed_at",
            "next_attempt_at",
        ]
    )
    return message.delivered_at is not None


def deliver_due(*, limit: int = 200, now_all: bool = False) -> int:
    """Send the messages that are due (with `now_all`, every undelivered one, as after a
    peer's outage); the number the peers took."""
    pending = Message.objects.filter(delivered_at=None, failed_at=None)
    if not now_all:
        pending = pending.filter(next_attempt_at__lte=clock.now())
    ids = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(deliver(message_id) for message_id in ids)
