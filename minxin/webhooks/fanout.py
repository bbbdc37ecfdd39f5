"""Timeline steps -> deliveries, per subscription, past its cursor.

A subscription's row is locked with `FOR UPDATE SKIP LOCKED` while its batch is read and its
deliveries written, so two workers split the subscriptions between them; the unique
constraint on (subscription, step, event type) makes a second pass over the same steps a
no-op. Step ids are allocated before their transaction commits, so a step may become
visible after a later one: the cursor only moves past steps older than
`SETTLE_SECONDS`, and the newer ones are read again on the next pass.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction

from minxin.core import clock
from minxin.tickets.models import TimelineEvent
from minxin.webhooks.events import payload, types_of
from minxin.webhooks.models import Delivery, Subscription

BATCH = 500
# How long a step may stay invisible (its transaction still open) and still be picked up.
SETTLE_SECONDS = 60


def fan_out() -> int:
    """Write the deliveries every active subscription is owed; how many steps were read."""
    ids = Subscription.objects.filter(active=True).values_list("pk", flat=True)
    return sum(_subscription_fan_out(pk) for pk in list(ids))


def _subscription_fan_out(subscription_id: int) -> int:
    read = 0
    while True:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(skip_locked=True)
                .filter(pk=subscription_id, active=True)
                .first()
            )
            if subscription is None:  # another worker has it, or it was switched off
                return read
            steps = _steps_after(subscription.cursor)
            _write(subscription, steps)
            cursor = _settled_cursor(subscription.cursor, steps)
            if cursor != subscription.cursor:
                Subscription.objects.filter(pk=subscription_id).update(cursor=cursor)
        read += len(steps)
        if len(steps) < BATCH or cursor == subscription.cursor:
            return read


def _steps_after(cursor: int) -> list[TimelineEvent]:
    return list(
        TimelineEvent.objects.filter(pk__gt=cursor)
        .select_related(
            "unit",
            "ticket__request_type",
            "ticket__category",
            "ticket__district",
            "ticket__lead_unit",
        )
        .order_by("pk")[:BATCH]
    )


def _write(subscription: Subscription, steps: list[TimelineEvent]) -> None:
    wanted = set(subscription.event_types)
    now = clock.now()
    rows = []
    for step in steps:
        for event_type in types_of(step.action, step.from_status, step.to_status):
            if event_type in wanted:
                delivery_id = uuid.uuid4()
                rows.append(
                    Delivery(
                        subscription=subscription,
                        step=step,
                        event_type=event_type,
                        delivery_id=delivery_id,
                        payload=payload(step, event_type, str(delivery_id)),
                        created_at=now,
                    )
                )
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)


def _settled_cursor(cursor: int, steps: list[TimelineEvent]) -> int:
    settled = clock.now() - dt.timedelta(seconds=SETTLE_SECONDS)
    for step in steps:
        if step.at > settled:
            break
        cursor = step.pk
    return cursor
