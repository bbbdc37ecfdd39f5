"""Send deliveries: claim with a lease, POST signed, mark sent, or retry with backoff.

The claim is the one notify's outbox makes (core.leases): an UPDATE that only one worker's
lease can win, so two workers never send one delivery at the same time, and a killed worker's
delivery is taken again when its lease runs out. It is then sent again under
the same delivery id, which the receiver drops if it already has it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request

from minxin.cityevents.signing import mac
from minxin.core import clock
from minxin.core.leases import LeasedOutbox
from minxin.webhooks.models import Delivery

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(seconds=60)
TIMEOUT_SECONDS = 10  # the receiver's time to answer
MAX_ATTEMPTS = 8  # then the delivery is failed (about two hours of retries)
# A receiver answers 409 to a delivery id it already has (a repeat after a cut-off call, or
# a replay): it has the delivery, so it counts as delivered.
ALREADY_RECEIVED = 409
Status = Delivery.Status
OUTBOX = LeasedOutbox(Delivery, lease=LEASE)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a 3xx is a failure: the subscription's URL is the one to fix


_opener = urllib.request.build_opener(_NoRedirect)


def signed_headers(delivery: Delivery, body: bytes, timestamp: int) -> dict[str, str]:
    subscription = delivery.subscription
    message = f"{timestamp}.{delivery.delivery_id}.".encode() + body
    signature = mac(subscription.algorithm, subscription.secret.encode(), message)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Minxin-Webhooks/1",
        "X-Minxin-Event": delivery.event_type,
        "X-Minxin-Delivery": str(delivery.delivery_id),
        "X-Minxin-Timestamp": str(timestamp),
        "X-Minxin-Signature": f"{subscription.algorithm}={signature}",
    }


def _post(delivery: Delivery) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signed_headers(delivery, body, int(time.time()))
    request = urllib.request.Request(
        delivery.subscription.url, data=body, method="POST", headers=headers
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        if error.code == ALREADY_RECEIVED:
            return error.code
        raise RuntimeError(f"HTTP {error.code}") from error


def claim(delivery_pk: int) -> dt.datetime | None:
    return OUTBOX.claim(delivery_pk)


def deliver(delivery_pk: int) -> bool:
    lease = claim(delivery_pk)
    return False if lease is None else _deliver_claimed(delivery_pk, lease)


def _deliver_claimed(delivery_pk: int, lease: dt.datetime) -> bool:
    held = OUTBOX.start(delivery_pk, lease)
    if held is None:
        return False
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_pk)
    try:
        code = _post(delivery)
    except Exception as exc:  # noqa: BLE001 - any failure of the receiver means "try later"
        _failed(delivery, held, exc)
        return False
    OUTBOX.succeed(delivery_pk, held, sent_at=clock.now(), response_status=code, error="")
    return True


def _failed(delivery: Delivery, lease: dt.datetime, exc: Exception) -> None:
    logger.warning(
        "webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc
    )
    code = exc.__cause__.code if isinstance(exc.__cause__, urllib.error.HTTPError) else None
    OUTBOX.fail(
        delivery.pk,
        lease,
        attempts=delivery.attempts,
        max_attempts=MAX_ATTEMPTS,
        error=exc,
        response_status=code,
    )


def deliver_due(limit: int = 500) -> int:
    """Send what is due: new deliveries, retries, and those whose worker died mid-call."""
    lease, due = OUTBOX.claim_due(limit=limit)
    return sum(_deliver_claimed(pk, lease) for pk in due)


def retry(delivery_pks: list[int]) -> int:
    """Send failed deliveries again from the start (the admin's action)."""
    return Delivery.objects.filter(pk__in=delivery_pks, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=None, claimed_until=None
    )
