"""The two login steps: password, then (for staff who enrolled) a TOTP code. Between the
two, the session holds only who passed the first step and when."""

from __future__ import annotations

import time

from django.contrib.auth import login
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from minxin.accounts.login import login_finish, login_password, login_second_factor
from minxin.accounts.models import User
from minxin.workbench import security

PENDING = "wb_pending_login"
PENDING_SECONDS = 300


def safe_next(request: HttpRequest, raw: str | None) -> str:
    if raw and url_has_allowed_host_and_scheme(
        raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return raw
    return "/staff/"


def password_step(request: HttpRequest, username: str, password: str) -> User:
    """The user these credentials prove, counting failures towards the lockout."""
    return login_password(request, username=username, password=password)


SECOND_FACTOR = "wb_second_factor"
MUST_ENROL = "wb_must_enrol"


def finish(request: HttpRequest, user: User, *, second_factor: bool = False) -> None:
    login_finish(user=user)
    request.session.pop(PENDING, None)
    # A user restored from the session after the TOTP step carries no backend attribute.
    backend = getattr(user, "backend", "django.contrib.auth.backends.ModelBackend")
    login(request, user, backend=backend)  # a new session id
    # Set after login(), which starts a fresh session.
    request.session[SECOND_FACTOR] = second_factor
    if not second_factor and security.required(user):
        request.session[MUST_ENROL] = True  # only the enrolment page until a device is set


def must_enrol(request: HttpRequest) -> bool:
    return bool(request.session.get(MUST_ENROL))


def enrolled_now(request: HttpRequest) -> None:
    """The device was just confirmed with a code: that code is this session's second
    factor. A new session id for the proof, as at every other one."""
    request.session.cycle_key()
    request.session.pop(MUST_ENROL, None)
    request.session[SECOND_FACTOR] = True


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
    login_second_factor(request, user=user, code=code, verify=security.verify_totp)
