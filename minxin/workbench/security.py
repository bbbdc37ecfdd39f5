"""The TOTP second factor of staff accounts: enrolment, checking codes, and which accounts
must have one. Used by every way in: the workbench login (which the admin's login leads
to) and the API's token login."""

from __future__ import annotations

import pyotp
from django.conf import settings
from django.db import transaction

from minxin.accounts import throttle
from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.core.errors import Conflict, ValidationFailed
from minxin.workbench.models import StaffTotp

TOTP_ISSUER = "民心工作台"


def has_confirmed_totp(user: User) -> bool:
    return StaffTotp.objects.filter(user=user, confirmed=True).exists()


enrolled = has_confirmed_totp


def required(user: User) -> bool:
    """Must this account have a device? Its role is listed in TOTP_REQUIRED_ROLES (by
    default those that reveal personal data or administer); the Django admin counts as
    the admin role."""
    roles = set(settings.TOTP_REQUIRED_ROLES)
    return user.role in roles or (Role.ADMIN in roles and (user.is_staff or user.is_superuser))


def verify_totp(user: User, code: str) -> bool:
    """A 6-digit code from the user's confirmed device, each code usable once."""
    device = StaffTotp.objects.filter(user=user, confirmed=True).first()
    return device is not None and _accept_code(device, code)


def _accept_code(device: StaffTotp, code: str) -> bool:
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return False
    # One step of drift either way covers phones whose clocks are a little off.
    if not pyotp.TOTP(device.secret).verify(code, for_time=clock.now(), valid_window=1):
        return False
    # A code seen on the wire must not log in a second time (replay within its 90 s life):
    # remembered in the lockouts' store, which never evicts early (a cache could).
    used = throttle.Limit("totp-used", 1, 120)
    return throttle.hit(used, f"{device.user_id}:{code}").allowed(used)


def totp_start(*, user: User) -> StaffTotp:
    """Begin (or restart) enrolment with a fresh secret; a confirmed device is kept as is."""
    device, _ = StaffTotp.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32()}
    )
    if not device.confirmed:
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    return device


@transaction.atomic
def totp_confirm(*, user: User, code: str) -> StaffTotp:
    device = StaffTotp.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise Conflict("请先生成密钥", code="totp_not_started")
    if device.confirmed:
        raise Conflict("动态口令已启用", code="totp_already_confirmed")
    if not _accept_code(device, code):
        raise ValidationFailed(
            "动态口令不正确，请核对手机时间后重试", code="bad_totp", field="code"
        )
    device.confirmed, device.confirmed_at = True, clock.now()
    device.save(update_fields=["confirmed", "confirmed_at"])
    return device


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    """Turning the factor off needs a current code, so a hijacked session cannot do it."""
    if required(user):
        raise Conflict(
            "您的角色须使用动态口令，不能停用；更换手机请联系管理员重置", code="totp_required"
        )
    if not verify_totp(user, code):
        raise ValidationFailed("动态口令不正确", code="bad_totp", field="code")
    StaffTotp.objects.filter(user=user).delete()


def provisioning_uri(device: StaffTotp) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.username, issuer_name=TOTP_ISSUER
    )


verify = verify_totp
