"""The lockouts' Redis must never evict a counter early (a flood would lift a lock)."""

from __future__ import annotations

from typing import Any

from django.core import checks

SAFE_POLICIES = {"noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}


@checks.register(checks.Tags.security, deploy=True)
def check_throttle_store(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from minxin.accounts.throttle import RedisStore, store

    current = store()
    if not isinstance(current, RedisStore):
        return []
    policy = current.eviction_policy()
    if policy is None:
        return [
            checks.Warning(
                "Cannot read the lockouts' Redis maxmemory-policy (CONFIG refused or Redis down).",
                hint="Make sure it is noeviction or volatile-*: an evicted counter lifts a lock.",
                id="accounts.W001",
            )
        ]
    if policy not in SAFE_POLICIES:
        return [
            checks.Error(
                f"The lockouts' Redis evicts keys without a TTL too (maxmemory-policy {policy}).",
                hint="Set maxmemory-policy noeviction (or volatile-*), or give the lockouts "
                "their own Redis with MINXIN_THROTTLE_REDIS_URL.",
                id="accounts.E001",
            )
        ]
    return []
