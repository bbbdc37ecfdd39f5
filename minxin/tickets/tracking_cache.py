"""A short-lived cache of the public view a tracking lookup returns.

Tracking is the most frequent read citizens make (refreshing "where is my request?"). The
cached entry holds the rendered JSON plus the keyed hashes needed to check the caller's
proof, so a hit costs one cache round trip and no database query (plus the count of a
password try, which is made before the password is checked, as on the normal path). Every
timeline event drops the entry after commit, and entries live at most a minute (the
deadline sentence depends on the clock). A miss takes the normal path.
"""

from __future__ import annotations

from django.core.cache import cache

from minxin.core.errors import NotFound
from minxin.tickets.passwords import password_try

TTL_SECONDS = 60


def _key(code: str) -> str:
    return f"track-view:{code}"


def cached_view(
    *, code: str, password: str | None, phone: str | None, ip: str | None = None
) -> str | None:
    entry = cache.get(_key(code))
    if entry is None:
        return None
    if phone and entry["ph"] and _phone_matches(phone, entry["ph"]):
        return entry["body"]
    if password and entry["pw"]:
        if password_try(code=code, ip=ip, password=password, digest=entry["pw"]):
            return entry["body"]
        # The entry holds the request's own hash: this try has failed, and is counted.
        raise NotFound("查询码或查询密码不正确", code="not_found")
    return None


def _phone_matches(phone: str, digest: str) -> bool:
    from minxin.encryption.crypto import phone_index

    return phone_index(phone) == digest


def remember_view(*, code: str, password_hash: str, phone_index: str, body: str) -> None:
    cache.set(_key(code), {"pw": password_hash, "ph": phone_index, "body": body}, TTL_SECONDS)


def forget_view(code: str) -> None:
    cache.delete(_key(code))


def forget_views(codes: list[str]) -> None:
    cache.delete_many([_key(code) for code in codes])
