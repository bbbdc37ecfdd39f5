"""Login hardening for the workbench: per-username lockout and the TOTP second factor."""

from __future__ import annotations

import pyotp
from django.core.cache import cache
from django.db import transaction

from minxin.accounts.models import User
from minxin.core import clock
from minxin.core.errors import Conflict, RateLimited, ValidationFailed
from minxin.workbench.models import StaffTotp

MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60
TOTP_ISSUER = "民心工作台"


def _failures_key(username: str) -> str:
    # Same key as the staff API's token login, so the web page and the API share one
    # counter: an attacker gets five guesses per username, not five per entry point.
    return f"login-failures:{username.strip().lower()}"


def check_not_locked(username: str) -> None:
    if cache.get(_failures_key(username), 0) >= MAX_FAILURES:
        raise RateLimited("登录失败次数过多，该账号已临时锁定15分钟，请稍后再试",
                          code="locked_out")


def register_failure(username: str) -> int:
    """Count one failure; returns how many attempts remain before the lockout."""
    key = _failures_key(username)
    failures = cache.get(key, 0) + 1
    # An explicit timeout on every write: cache.incr would fall back to the 5-minute default.
    cache.set(key, failures, timeout=LOCKOUT_SECONDS)
    return max(0, MAX_FAILURES - failures)


def clear_failures(username: str) -> None:
    cache.delete(_failures_key(username))


def has_confirmed_totp(user: User) -> bool:
    return StaffTotp.objects.filter(user=user, confirmed=True).exists()


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
    # A code seen on the wire must not log in a second time (replay within its 90 s life).
    return cache.add(f"totp-used:{device.user_id}:{code}", True, timeout=120)


def totp_start(*, user: User) -> StaffTotp:
    """Begin (or restart) enrolment with a fresh secret; a confirmed device is kept as is."""
    device, _ = StaffTotp.objects.get_or_create(user=user, defaults={
        "secret": pyotp.random_base32()})
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
        raise ValidationFailed("动态口令不正确，请核对手机时间后重试", code="bad_totp", field="code")
    device.confirmed, device.confirmed_at = True, clock.now()
    device.save(update_fields=["confirmed", "confirmed_at"])
    return device


@transaction.atomic
def totp_disable(*, user: User, code: str) -> None:
    """Turning the factor off needs a current code, so a hijacked session cannot do it."""
    if not verify_totp(user, code):
        raise ValidationFailed("动态口令不正确", code="bad_totp", field="code")
    StaffTotp.objects.filter(user=user).delete()


def provisioning_uri(device: StaffTotp) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username,
                                                     issuer_name=TOTP_ISSUER)
