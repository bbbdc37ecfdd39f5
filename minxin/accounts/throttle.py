"""Counting guesses in a store that never forgets them early, checked before the guess is.

Every place that evaluates a secret (a tracking code's query password, a staff password or
TOTP code, an SMS code) first *counts* the attempt, atomically, and evaluates it only if
the count is within the limit; a success gives its count back. So an attempt in flight
counts as a failure until it proves otherwise, and no number of parallel tries gets more
than `limit` secrets evaluated per window.

Stores, chosen by settings: Redis when REDIS_URL is set (INCR in a Lua script; the keys
carry a TTL, so Redis must not evict them early: `maxmemory-policy` noeviction or a
volatile-* policy with room, checked by `accounts.E001`), else a database table
(`FailureCounter`, one UPSERT … RETURNING on PostgreSQL and SQLite). Never Django's
database cache, which culls a third of its keys when full.

Backoff: each window in which a key was refused makes its next window twice as long, up
to 16 times (strikes are forgotten after a quiet day). Keys are keyed hashes of the code,
account or IP, never the raw value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from minxin.core import clock
from minxin.core.errors import RateLimited
from minxin.core.hashing import keyed_hash

MAX_STRIKES = 4
STRIKES_SECONDS = 86400


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Hit:
    count: int
    retry_after: int  # seconds until the window ends

    def allowed(self, limit: Limit) -> bool:
        return self.count <= limit.limit


def client_ip(request: HttpRequest) -> str | None:
    """The address per-client limits count. Behind a proxy the deployment sets REMOTE_ADDR
    from the trusted header; X-Forwarded-For is never read here, or one client could dodge
    every per-IP limit."""
    return request.META.get("REMOTE_ADDR") or None


def _key(limit: Limit, value: str) -> str:
    return keyed_hash(value.strip().lower(), purpose=f"throttle:{limit.scope}")


def _now() -> int:
    return int(clock.now().timestamp())


# ---- the database store ---------------------------------------------------------------------

_T = "accounts_failurecounter"
_UPSERT = f"""
INSERT INTO {_T} (scope, key, count, strikes, expires_at) VALUES (%s, %s, 1, 0, %s)
ON CONFLICT (scope, key) DO UPDATE SET
  count = CASE WHEN {_T}.expires_at <= %s THEN 1 ELSE {_T}.count + 1 END,
  strikes = CASE WHEN {_T}.expires_at > %s AND {_T}.count = %s AND {_T}.strikes < {MAX_STRIKES}
                 THEN {_T}.strikes + 1 ELSE {_T}.strikes END,
  expires_at = CASE WHEN {_T}.expires_at <= %s
                    THEN %s + CAST(%s AS BIGINT) * (1 << {_T}.strikes) ELSE {_T}.expires_at END
RETURNING count, expires_at"""


class DatabaseStore:
    def hit(self, scope: str, key: str, limit: int, window: int) -> Hit:
        now = _now()
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [scope, key, now + window, now, now, limit, now, now, window])
            count, expires_at = cursor.fetchone()
        return Hit(count=count, retry_after=max(0, expires_at - now))

    def hit_many(self, items: list[tuple[str, str, int, int]]) -> list[Hit]:
        return [self.hit(*item) for item in items]

    def give_back_many(self, items: list[tuple[str, str]]) -> None:
        for scope, key in items:
            self.give_back(scope, key)

    def peek(self, scope: str, key: str) -> int:
        from minxin.accounts.models import FailureCounter

        row = FailureCounter.objects.filter(scope=scope, key=key, expires_at__gt=_now()).first()
        return row.count if row else 0

    def give_back(self, scope: str, key: str) -> None:
        from django.db.models import F

        from minxin.accounts.models import FailureCounter

        FailureCounter.objects.filter(scope=scope, key=key, count__gt=0).update(
            count=F("count") - 1
        )

    def reset(self, scope: str, key: str) -> None:
        from minxin.accounts.models import FailureCounter

        FailureCounter.objects.filter(scope=scope, key=key).update(count=0)

    def purge(self) -> int:
        from minxin.accounts.models import FailureCounter

        deleted, _ = FailureCounter.objects.filter(expires_at__lt=_now() - STRIKES_SECONDS).delete()
        return deleted


# ---- the Redis store ------------------------------------------------------------------------

# Any number of (failures, strikes) key pairs in one round trip: ARGV holds each pair's window
# and limit. Each pair is counted exactly as alone; all of them at once, atomically.
_LUA = f"""
local out = {{}}
for i = 1, #KEYS, 2 do
  local window, limit = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local c = redis.call('INCR', KEYS[i])
  if c == 1 then
    local s = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
    redis.call('EXPIRE', KEYS[i], window * math.pow(2, math.min(s, {MAX_STRIKES})))
  elseif c == limit + 1 then
    redis.call('INCR', KEYS[i + 1])
    redis.call('EXPIRE', KEYS[i + 1], {STRIKES_SECONDS})
  end
  table.insert(out, c)
  table.insert(out, redis.call('TTL', KEYS[i]))
end
return out
"""
# DECR only an existing key: a bare DECR would make one without a TTL.
_GIVE_BACK_LUA = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and tonumber(redis.call('GET', key)) > 0 then
    redis.call('DECR', key)
  end
end
return 0
"""


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_LUA)
        self.give_back_script = self.client.register_script(_GIVE_BACK_LUA)

    @staticmethod
    def _names(scope: str, key: str) -> list[str]:
        return [f"minxin:fail:{scope}:{key}", f"minxin:strikes:{scope}:{key}"]

    def hit(self, scope: str, key: str, limit: int, window: int) -> Hit:
        return self.hit_many([(scope, key, limit, window)])[0]

    def hit_many(self, items: list[tuple[str, str, int, int]]) -> list[Hit]:
        keys = [name for scope, key, _, _ in items for name in self._names(scope, key)]
        args = [n for _, _, limit, window in items for n in (window, limit)]
        flat = self.script(keys=keys, args=args)
        return [
            Hit(count=int(c), retry_after=max(0, int(t)))
            for c, t in zip(flat[::2], flat[1::2], strict=True)
        ]

    def peek(self, scope: str, key: str) -> int:
        return int(self.client.get(self._names(scope, key)[0]) or 0)

    def give_back(self, scope: str, key: str) -> None:
        self.give_back_many([(scope, key)])

    def give_back_many(self, items: list[tuple[str, str]]) -> None:
        self.give_back_script(keys=[self._names(scope, key)[0] for scope, key in items])

    def reset(self, scope: str, key: str) -> None:
        self.client.delete(self._names(scope, key)[0])

    def purge(self) -> int:
        return 0  # Redis expires the keys itself

    def eviction_policy(self) -> str | None:
        try:
            return str(self.client.config_get("maxmemory-policy").get("maxmemory-policy"))
        except Exception:  # noqa: BLE001 - managed Redis may refuse CONFIG
            return None


@lru_cache(maxsize=2)
def _store_for(redis_url: str) -> Any:
    return RedisStore(redis_url) if redis_url else DatabaseStore()


def store() -> Any:
    return _store_for(settings.THROTTLE_REDIS_URL)


# ---- what the callers use -------------------------------------------------------------------


def hit(limit: Limit, value: str) -> Hit:
    """Count one attempt (before evaluating it)."""
    return store().hit(limit.scope, _key(limit, value), limit.limit, limit.window)


def attempts_left(limit: Limit, value: str) -> int:
    return max(0, limit.limit - store().peek(limit.scope, _key(limit, value)))


def give_back(limit: Limit, value: str) -> None:
    """The attempt proved the secret: it does not count against anyone."""
    give_back_all([(limit, value)])


def give_back_all(limits: list[tuple[Limit, str]]) -> None:
    """`give_back` under each limit, in one round trip on Redis."""
    store().give_back_many([(limit.scope, _key(limit, value)) for limit, value in limits])


def reset(limit: Limit, value: str) -> None:
    store().reset(limit.scope, _key(limit, value))


def purge() -> int:
    """Forget counters (and their strikes) quiet for a day."""
    return store().purge()


def wait_text(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"{minutes}分钟" if minutes < 120 else f"{(minutes + 59) // 60}小时"


def guard(*limits: tuple[Limit, str], message: str, code: str) -> None:
    """Count one attempt under each limit; RateLimited (nothing evaluated) if any is over.
    `message` may hold {wait}, the time until the longest refusal ends."""
    hits = store().hit_many(
        [(limit.scope, _key(limit, value), limit.limit, limit.window) for limit, value in limits]
    )
    refused = [
        h.retry_after for h, (limit, _) in zip(hits, limits, strict=True) if not h.allowed(limit)
    ]
    if refused:
        raise RateLimited(message.format(wait=wait_text(max(refused))), code=code)
