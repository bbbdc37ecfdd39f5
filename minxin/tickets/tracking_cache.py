"""A short-lived cache of the public view a tracking lookup returns.

Tracking is the most frequent read citizens make (refreshing "where is my request?"). The
cached entry holds the rendered JSON plus the keyed hashes needed to check the caller's
proof, so a hit costs one cache round trip and no database query. Every timeline event
drops the entry after commit, and entries live at most a minute (the deadline sentence
depends on the clock). A miss, or a proof that does not match, takes the normal path,
which is the one that counts failed attempts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from minxin.core.errors import RateLimited
from minxin.core.hashing import keyed_hash_matches

TTL_SECONDS = 60


def _key(code: str) -> str:
    return f"track-view:{code}"


def failures_key(code: str) -> str:
    return f"lookup-failures:{code}"


def cached_view(*, code: str, password: str | None, phone: str | None) -> str | None:
    found = cache.get_many([_key(code), failures_key(code)])
    if found.get(failures_key(code), 0) >= settings.TRACKING_LOOKUP_MAX_FAILURES:
        raise RateLimited("查询失败次数过多，请1小时后再试", code="lookup_locked")
    entry = found.get(_key(code))
    if entry is None:
        return None
    if password and entry["pw"] and keyed_hash_matches(password.strip(), entry["pw"],
                                                       purpose="query"):
        return entry["body"]
    if phone and entry["ph"] and _phone_matches(phone, entry["ph"]):
        return entry["body"]
    return None


def _phone_matches(phone: str, digest: str) -> bool:
    from minxin.privacy.crypto import phone_index

    return phone_index(phone) == digest


def remember_view(*, code: str, password_hash: str, phone_index: str, body: str) -> None:
    cache.set(_key(code), {"pw": password_hash, "ph": phone_index, "body": body}, TTL_SECONDS)


def forget_view(code: str) -> None:
    cache.delete(_key(code))
