"""Lockout after repeated failed logins, with django-axes.

One counter per (lower-cased) username, shared by the workbench login page, its TOTP step
and the API's token login: an attacker gets five guesses per account, not five per entry
point. Axes records password failures itself (Django's `user_login_failed` signal); a wrong
TOTP code is reported to it here.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse

from minxin.core.errors import RateLimited

LOCKED_MESSAGE = "登录失败次数过多，该账号已临时锁定15分钟，请稍后再试"


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """Axes keys attempts by this: "Intake" and "intake " are the same account."""
    return str((credentials or {}).get("username", "")).strip().lower()


def _credentials(username: str) -> dict[str, str]:
    return {"username": username.strip().lower()}


def check_not_locked(request: HttpRequest, username: str) -> None:
    if AxesProxyHandler.is_locked(request, _credentials(username)):
        raise RateLimited(LOCKED_MESSAGE, code="locked_out")


def attempts_left(request: HttpRequest, username: str) -> int:
    failures = AxesProxyHandler.get_failures(request, _credentials(username))
    return max(0, settings.AXES_FAILURE_LIMIT - failures)


def register_failure(request: HttpRequest, username: str) -> int:
    """Report a failure axes cannot see by itself (a wrong TOTP code); attempts left."""
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)
    return attempts_left(request, username)


def clear_failures(username: str) -> None:
    axes_reset(username=username.strip().lower())


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: Any = None) -> HttpResponse:
    """Our views already answer a lockout in their own words; keep their answer."""
    if original_response is not None:
        return original_response
    return JsonResponse({"error": {"code": "locked_out", "message": LOCKED_MESSAGE,
                                   "field": None}}, status=429)
