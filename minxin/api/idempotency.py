"""Retries of a submission with the same `Idempotency-Key` get the first answer back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from minxin.api.models import IdempotencyRecord
from minxin.core.errors import Conflict, ValidationFailed


def run(
    request: HttpRequest, body: dict, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return action()
    if len(key) > 100:
        raise ValidationFailed(
            "Idempotency-Key 过长（最多100字符）", code="invalid_idempotency_key"
        )
    scoped = f"{request.path}:{key}"
    fingerprint = hashlib.sha256(
        json.dumps(body, sort_keys=True, cls=DjangoJSONEncoder).encode()
    ).hexdigest()
    existing = IdempotencyRecord.objects.filter(key=scoped).first()
    if existing:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            status, response = action()
            IdempotencyRecord.objects.create(
                key=scoped,
                fingerprint=fingerprint,
                status_code=status,
                response=json.loads(json.dumps(response, cls=DjangoJSONEncoder)),
            )
    except IntegrityError:
        # A concurrent retry won the race; its request is the one that counts.
        existing = IdempotencyRecord.objects.filter(key=scoped).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    return status, response


def _replay(record: IdempotencyRecord, fingerprint: str) -> tuple[int, dict]:
    if record.fingerprint != fingerprint:
        raise Conflict("同一 Idempotency-Key 已用于内容不同的提交", code="idempotency_mismatch")
    return record.status_code, record.response
