"""Subscriptions: checked, created with a fresh secret, starting from now."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db.models import Max

from minxin.core.errors import ValidationFailed
from minxin.tickets.models import TimelineEvent
from minxin.webhooks.events import EVENT_TYPES
from minxin.webhooks.models import Subscription


def check_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = [t.strip() for t in event_types if t.strip()]
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(
            f"未知的事件类型：{'、'.join(unknown)}（可选：{'、'.join(EVENT_TYPES)}）",
            code="unknown_event_type",
            field="event_types",
        )
    if not chosen:
        raise ValidationFailed("请至少选择一种事件类型", code="required", field="event_types")
    return list(dict.fromkeys(chosen))


def current_cursor() -> int:
    """The newest step now: a new subscription is owed what happens from here on."""
    return TimelineEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def new_secret() -> str:
    return "whs_" + secrets.token_urlsafe(32)


def subscription_create(
    *, name: str, url: str, event_types: Iterable[str], algorithm: str = Subscription.Algorithm.SM3
) -> Subscription:
    if algorithm not in Subscription.Algorithm.values:
        raise ValidationFailed("签名算法无效", code="invalid_algorithm", field="algorithm")
    if not url.startswith(("http://", "https://")):
        raise ValidationFailed("接收地址须为 http(s) 网址", code="invalid_url", field="url")
    return Subscription.objects.create(
        name=name,
        url=url,
        secret=new_secret(),
        algorithm=algorithm,
        event_types=check_event_types(event_types),
        cursor=current_cursor(),
    )
