"""Rows of work taken with a lease: one mechanism for every outbox a worker sends from.

    outbox = LeasedOutbox(Delivery, lease=dt.timedelta(seconds=60))
    until, pks = outbox.claim_due(limit=100)      # or: until = outbox.claim(pk)
    until = outbox.start(pk, until)               # None: the lease was lost, leave the row
    ... send ...
    outbox.succeed(pk, until, sent_at=now)  /  outbox.fail(pk, until, attempts=..., ...)

A model qualifies with the fields `status` ("pending", "sending", "sent", "failed"; more
values are allowed and never claimed), `attempts`, `next_attempt_at`, `claimed_until` and
`error`. A row is due when it is pending or sending, its next attempt has come and no lease
holds it. Claiming sets `claimed_until` to the end of a lease: only a write that names that
lease changes the row afterwards, so a worker whose lease ran out (and whose row another
worker took) changes nothing. A `sending` row whose lease ran out is due again: its worker
died during the call. `claim_due` takes a batch with SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL, so workers claiming at once get disjoint rows without waiting for each other
(SQLite serialises writers: its transactions begin IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q

from minxin.core import clock

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
ACTIVE = (PENDING, SENDING)
MAX_DELAY = dt.timedelta(hours=1)


def retry_delay(attempts: int) -> dt.timedelta:
    """A minute after the first failed attempt, doubling with each, at most an hour."""
    return min(dt.timedelta(seconds=30 * 2 ** min(attempts, 20)), MAX_DELAY)


class LeasedOutbox:
    def __init__(self, model: type[models.Model], *, lease: dt.timedelta) -> None:
        self.model = model
        self.lease = lease

    @property
    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()

    def due(self, now: dt.datetime | None = None) -> models.QuerySet[Any]:
        now = now or clock.now()
        return self.rows.filter(
            Q(next_attempt_at=None) | Q(next_attempt_at__lte=now),
            Q(claimed_until=None) | Q(claimed_until__lt=now),
            status__in=ACTIVE,
        )

    def claim(self, pk: object) -> dt.datetime | None:
        """Take one row for a lease; None if it is not due or another worker holds it."""
        now = clock.now()
        until = now + self.lease
        taken = self.due(now).filter(pk=pk).update(claimed_until=until)
        return until if taken else None

    def claim_due(self, *, limit: int) -> tuple[dt.datetime, list[Any]]:
        """Take up to `limit` due rows (oldest first) under one lease: (its end, their keys)."""
        with transaction.atomic():
            now = clock.now()
            until = now + self.lease
            due = self.due(now).select_for_update(skip_locked=True).order_by("pk")
            pks = list(due.values_list("pk", flat=True)[:limit])
            if pks:
                self.rows.filter(pk__in=pks).update(claimed_until=until)
        return until, pks

    def held(self, pk: object, until: dt.datetime) -> models.QuerySet[Any]:
        """The row, as long as the lease ending `until` still holds it."""
        return self.rows.filter(pk=pk, claimed_until=until)

    def start(self, pk: object, until: dt.datetime, **fields: object) -> dt.datetime | None:
        """Mark the row sending and count the attempt (committed before the call, so a worker
        killed during it leaves this trace); the lease is renewed for the call. None when the
        lease was lost."""
        renewed = max(clock.now() + self.lease, until)
        started = self.held(pk, until).update(
            status=SENDING, attempts=F("attempts") + 1, claimed_until=renewed, **fields
        )
        return renewed if started else None

    def succeed(self, pk: object, until: dt.datetime, **fields: object) -> bool:
        return bool(self.held(pk, until).update(status=SENT, claimed_until=None, **fields))

    def fail(
        self,
        pk: object,
        until: dt.datetime,
        *,
        attempts: int,
        max_attempts: int,
        error: object,
        **fields: object,
    ) -> bool:
        """Release the row for a later attempt, with backoff, or fail it for good after
        `max_attempts`; True when it failed for good."""
        final = attempts >= max_attempts
        self.held(pk, until).update(
            status=FAILED if final else PENDING,
            error=str(error)[:300],
            claimed_until=None,
            next_attempt_at=clock.now() + retry_delay(attempts),
            **fields,
        )
        return final
