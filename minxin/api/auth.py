"""Who is calling the API: staff by bearer token, citizens by a verified-phone token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBearer

from minxin.accounts import lockout
from minxin.accounts.models import ApiToken, User
from minxin.core import clock
from minxin.core.errors import PermissionDenied
from minxin.identity.services import citizen_token_phone
from minxin.workbench import security as second_factor


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith("mxs_"):
            return None
        row = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(
                key_hash=ApiToken.hash_key(token),
                revoked=False,
                expires_at__gt=clock.now(),
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        request.user = row.user
        return row.user


def citizen_phone(request: HttpRequest) -> str | None:
    """The verified phone of the calling citizen, if they sent a valid citizen token."""
    token = request.headers.get("X-Citizen-Token", "")
    if not token:
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and not auth.startswith("Bearer mxs_"):
            token = auth[len("Bearer ") :]
    return citizen_token_phone(token.strip()) if token else None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def staff_login(request: HttpRequest, *, username: str, password: str, totp: str) -> User:
    """The account these credentials prove: the password, then the TOTP code for an account
    with a device (each try counted before it is checked, on the workbench's counter).
    An account whose role requires a device and has none gets no token."""
    lockout.attempt(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise PermissionDenied("用户名或密码错误", code="bad_credentials", status=401)
    lockout.passed(request, username)
    if second_factor.enrolled(user):
        if not totp:
            raise PermissionDenied(
                "该账号已启用动态口令，请同时提供 totp",
                code="totp_required",
                field="totp",
                status=401,
            )
        lockout.attempt(request, username)
        if not second_factor.verify(user, totp):
            raise PermissionDenied("动态口令不正确", code="bad_totp", field="totp", status=401)
    elif second_factor.required(user):
        raise PermissionDenied(
            "该角色须先在工作台启用动态口令，才能获取接口令牌",
            code="totp_enrolment_required",
            status=403,
        )
    lockout.clear_failures(username)
    return user  # type: ignore[return-value]
