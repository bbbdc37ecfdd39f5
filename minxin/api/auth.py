"""Who is calling the API: staff by bearer token, citizens by a verified-phone token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from minxin.accounts.login import login_finish, login_password, login_second_factor
from minxin.accounts.models import ApiToken, User
from minxin.core import clock
from minxin.core.errors import PermissionDenied, ValidationFailed
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


def staff_login(request: HttpRequest, *, username: str, password: str, totp: str) -> User:
    """The account these credentials prove: the password, then the TOTP code for an account
    with a device, through the workbench's login steps (`accounts.login`), answered as the
    API's 401s. An account whose role requires a device and has none gets no token."""
    try:
        user = login_password(request, username=username, password=password)
        enrolled = second_factor.enrolled(user)
        if enrolled:
            if not totp:
                raise PermissionDenied(
                    "该账号已启用动态口令，请同时提供 totp", code="totp_required", field="totp"
                )
            login_second_factor(request, user=user, code=totp, verify=second_factor.verify)
    except (PermissionDenied, ValidationFailed) as exc:
        field = "totp" if exc.code in ("totp_required", "bad_totp") else exc.field
        raise PermissionDenied(exc.message, code=exc.code, field=field, status=401) from exc
    if not enrolled and second_factor.required(user):
        raise PermissionDenied(
            "该角色须先在工作台启用动态口令，才能获取接口令牌",
            code="totp_enrolment_required",
            status=403,
        )
    login_finish(user=user)
    return user
