"""Client keys: created once by `minxin open311-key create NAME`, stored as a keyed hash,
revoked in the admin. A missing, unknown or revoked key is refused with 403."""

from __future__ import annotations

import secrets

from django.db import transaction

from minxin.core import clock
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.core.hashing import keyed_hash
from minxin.open311.models import Client

PREFIX = "o311_"
_PURPOSE = "open311-key"


def key_digest(raw: str) -> str:
    return keyed_hash(raw.strip(), purpose=_PURPOSE)


@transaction.atomic
def client_create(*, name: str) -> tuple[Client, str]:
    """A new client and its key; the key is returned here once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("客户端名称须为1到100个字符", code="invalid_name", field="name")
    if Client.objects.filter(name=name).exists():
        raise ValidationFailed(f"客户端“{name}”已存在", code="duplicate_name", field="name")
    raw = PREFIX + secrets.token_urlsafe(32)
    client = Client.objects.create(name=name, key_hash=key_digest(raw))
    return client, raw


def client_revoke(*, client_id: int) -> Client:
    client = Client.objects.get(pk=client_id)
    if not client.revoked:
        client.revoked, client.revoked_at = True, clock.now()
        client.save(update_fields=["revoked", "revoked_at"])
    return client


def client_for_key(raw: str | None) -> Client:
    if not raw or not raw.strip():
        raise PermissionDenied("缺少 api_key（api_key was not provided）", code="api_key_missing")
    client = Client.objects.filter(key_hash=key_digest(raw), revoked=False).first()
    if client is None:
        raise PermissionDenied(
            "api_key 无效或已吊销（api_key is invalid or revoked）", code="api_key_invalid"
        )
    return client
