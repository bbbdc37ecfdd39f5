"""The steps of a staff login, one service for every way in: the workbench's pages (which the
admin's login leads to) and the API's token login. Each try is counted before its secret is
checked, a proven secret counts against nobody, and a finished login forgets the failures
(accounts.lockout), so the entry points cannot drift apart.

The second factor is checked by the function the caller passes (`workbench.security`
owns the TOTP devices; accounts depends on no app above it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import authenticate
from django.http import HttpRequest

from minxin.accounts import lockout
from minxin.accounts.models import User
from minxin.core.errors import PermissionDenied, ValidationFailed


def login_password(request: HttpRequest, *, username: str, password: str) -> User:
    """The user these credentials prove, counting failures towards the lockout."""
    if not username or not password:
        raise ValidationFailed("请输入用户名和密码", code="required", field="username")
    lockout.attempt(request, username)  # counted before the password is checked
    user = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        raise PermissionDenied(
            f"用户名或密码错误{lockout.failure_hint(username)}", code="bad_credentials"
        )
    lockout.passed(request, username)
    return user


def login_second_factor(
    request: HttpRequest, *, user: User, code: str, verify: Callable[[User, str], bool]
) -> None:
    """The code proves the account's second factor, counted like a password try."""
    lockout.attempt(request, user.username)  # counted before the code is checked
    if not verify(user, code):
        raise ValidationFailed(
            f"动态口令不正确{lockout.failure_hint(user.username)}", code="bad_totp", field="code"
        )
    lockout.passed(request, user.username)


def login_finish(*, user: User) -> None:
    """Logged in: earlier failures at this account are forgotten."""
    lockout.clear_failures(user.username)
