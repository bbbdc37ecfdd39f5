"""The two login steps: password, then (for staff who enrolled) a TOTP code. Between the
two, the session holds only who passed the first step and when."""

from __future__ import annotations

import time

from django.contrib.auth import authenticate, login
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from minxin.accounts import lockout
from minxin.accounts.models import User
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.workbench import security

PENDING = "wb_pending_login"
PENDING_SECONDS = 300


def safe_next(request: HttpRequest, raw: str | None) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return raw
    return "/staff/"


def password_step(request: HttpRequest, username: str, password: str) -> User:
    """The user these credentials prove, counting failures towards the lockout."""
    if not username or not password:
        raise ValidationFailed("请输入用户名和密码", code="required", field="username")
    lockout.check_not_locked(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:  # axes has counted this failure through Django's signal
        left = lockout.attempts_left(request, username)
        hint = f"，还可尝试{left}次" if left else "，账号已临时锁定15分钟"
        raise PermissionDenied(f"用户名或密码错误{hint}", code="bad_credentials")
    return user  # type: ignore[return-value]


SECOND_FACTOR = "wb_second_factor"


def finish(request: HttpRequest, user: User, *, second_factor: bool = False) -> None:
    lockout.clear_failures(user.username)
    request.session.pop(PENDING, None)
    # A user restored from the session after the TOTP step carries no backend attribute.
    backend = getattr(user, "backend", "django.contrib.auth.backends.ModelBackend")
    login(request, user, backend=backend)
    # Set after login(), which starts a fresh session.
    request.session[SECOND_FACTOR] = second_factor


def passed_second_factor(request: HttpRequest) -> bool:
    return bool(request.session.get(SECOND_FACTOR))


def hold_for_totp(request: HttpRequest, user: User, next_url: str) -> None:
    # The password is a proof: a session id planted before it must not carry the next step.
    request.session.cycle_key()
    request.session[PENDING] = {"user_id": user.pk, "at": time.time(), "next": next_url}


def pending_user(request: HttpRequest) -> tuple[User, str] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    return (user, pending.get("next") or "/staff/") if user else None


def totp_step(request: HttpRequest, user: User, code: str) -> None:
    lockout.check_not_locked(request, user.username)
    if not security.verify_totp(user, code):
        left = lockout.register_failure(request, user.username)
        hint = f"，还可尝试{left}次" if left else "，账号已临时锁定15分钟"
        raise ValidationFailed(f"动态口令不正确{hint}", code="bad_totp", field="code")
