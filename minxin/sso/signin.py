"""What a provider's claims open: a staff account linked to the subject (then the workbench's
own rules, TOTP step included), or, for a citizen, a verified phone."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from minxin.accounts.models import User
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.identity.services import check_phone, citizen_token_issue
from minxin.portal import session as portal_session
from minxin.sso.models import StaffIdentity
from minxin.workbench import login_flow, security


def linked_staff(*, issuer: str, subject: str) -> User | None:
    link = (
        StaffIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject, user__is_active=True)
        .first()
    )
    return link.user if link else None


def staff_sign_in(
    request: HttpRequest, claims: dict[str, Any], next_url: str | None
) -> HttpResponseRedirect:
    """The provider stands in for the password step only: an account with a TOTP device
    still gives its code, and one whose role requires a device is sent to enrol."""
    user = linked_staff(issuer=claims.get("iss", ""), subject=str(claims.get("sub", "")))
    if user is None:
        raise PermissionDenied(
            "该统一身份账号尚未关联工作人员账号，请联系系统管理员关联后再登录",
            code="sso_not_linked",
        )
    target = login_flow.safe_next(request, next_url)
    if security.has_confirmed_totp(user):
        login_flow.hold_for_totp(request, user, target)
        return redirect("workbench:login_totp")
    login_flow.finish(request, user)
    return redirect(target)


def citizen_sign_in(
    request: HttpRequest, claims: dict[str, Any], next_url: str | None
) -> HttpResponseRedirect:
    """A phone the provider has verified counts as one verified by SMS: the same citizen
    token, kept in the portal's session as the SMS step keeps it."""
    if claims.get("phone_number_verified") is not True:
        raise PermissionDenied(
            "统一身份账号未提供已验证的手机号，请使用短信验证码验证", code="sso_no_phone"
        )
    try:
        phone = check_phone(str(claims.get("phone_number", "")))
    except ValidationFailed as exc:
        raise PermissionDenied(
            "统一身份账号的手机号无法使用，请使用短信验证码验证", code="sso_bad_phone"
        ) from exc
    portal_session.remember_phone(request, citizen_token_issue(phone=phone))
    return redirect(next_url or "portal:track-mine")
