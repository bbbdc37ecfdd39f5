"""Lockout after repeated failed logins, counted before the password is checked.

One counter per username (lower-cased by `throttle`), shared by the workbench login page, its TOTP step,
the admin (which logs in through the workbench) and the API's token login: an attacker
gets five guesses per account in 15 minutes, not five per entry point, and no number of
parallel requests gets more evaluated (accounts.throttle). A second, looser counter per
client IP stops one address from spraying many accounts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from minxin.accounts import throttle
from minxin.accounts.throttle import Limit

LOCKED_MESSAGE = "登录失败次数过多，请{wait}后再试"


def _account() -> Limit:
    return Limit("login", settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_SECONDS)


def _client() -> Limit:
    return Limit("login-ip", settings.LOGIN_MAX_FAILURES_PER_IP, settings.LOGIN_LOCKOUT_SECONDS)


def _client_of(request: HttpRequest) -> tuple[Limit, str]:
    return _client(), throttle.client_ip(request) or "unknown"


def attempt(request: HttpRequest, username: str) -> None:
    """Count one try at this account's password or TOTP code, before it is checked.
    RateLimited (and nothing checked) when the account or the client is over its limit."""
    throttle.guard(
        (_account(), username), _client_of(request), message=LOCKED_MESSAGE, code="locked_out"
    )


def attempts_left(username: str) -> int:
    return throttle.attempts_left(_account(), username)


def passed(request: HttpRequest, username: str) -> None:
    """The try proved the secret: it counts against nobody."""
    throttle.give_back(_account(), username)
    throttle.give_back(*_client_of(request))


def clear_failures(username: str) -> None:
    """Logged in: earlier failures at this account are forgotten."""
    throttle.reset(_account(), username)


def failure_hint(username: str) -> str:
    left = attempts_left(username)
    return f"，还可尝试{left}次" if left else "，账号已临时锁定"
