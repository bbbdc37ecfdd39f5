from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a request carrying an `Idempotency-Key`, replayed on retries."""

    key = models.CharField(max_length=120, unique=True)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key
