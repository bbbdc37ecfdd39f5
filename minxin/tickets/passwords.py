"""Query-password tries (查询密码): each counted, per tracking code and per client, before
the password is checked, and refused unchecked past the limit (docs/security.md). Used by
the tracking lookup and by its cache, which holds the request's own password hash."""

from __future__ import annotations

from django.conf import settings

from minxin.accounts import throttle
from minxin.core.hashing import keyed_hash_matches


def password_try(*, code: str, ip: str | None, password: str, digest: str | None) -> bool:
    """Whether `password` matches `digest` (the request's keyed hash; None when there is no
    such request). The try is counted first, RateLimited past the limit, given back on a match."""
    limits = _limits(code, ip)
    throttle.guard(*limits, message="查询失败次数过多，请{wait}后再试", code="lookup_locked")
    if not digest or not keyed_hash_matches(password.strip(), digest, purpose="query"):
        return False
    throttle.give_back_all(limits)
    return True


def _limits(code: str, ip: str | None) -> list[tuple[throttle.Limit, str]]:
    window = settings.TRACKING_LOOKUP_WINDOW_SECONDS
    limits = [(throttle.Limit("lookup", settings.TRACKING_LOOKUP_MAX_FAILURES, window), code)]
    if ip:
        limits.append(
            (throttle.Limit("lookup-ip", settings.TRACKING_LOOKUP_MAX_PER_IP, window), ip)
        )
    return limits
