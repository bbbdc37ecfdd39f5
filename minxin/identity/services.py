"""Real-name verification by SMS code, and the short-lived citizen token it yields."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction

from minxin.accounts import throttle
from minxin.core import clock
from minxin.core.errors import PermissionDenied, RateLimited, ValidationFailed
from minxin.core.hashing import keyed_hash, keyed_hash_matches
from minxin.encryption.crypto import (
    DecryptionError,
    blind_index,
    decrypt,
    encrypt,
    is_encrypted,
    phone_index,
)
from minxin.encryption.keys import KeyConfigError
from minxin.identity.models import SmsCode
from minxin.notify.models import SECRET_MASK
from minxin.notify.services import sms_queue

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_TOKEN_SALT = "minxin.citizen"
MAX_CODE_ATTEMPTS = 5
# The rate limits look back one hour; a day leaves room to look into abuse.
SMS_CODE_KEEP = dt.timedelta(days=1)


def check_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationFailed("请输入正确的11位手机号码", code="invalid_phone", field="phone")
    return phone


def _check_rate(*, phone: str, ip: str | None) -> None:
    now = clock.now()
    recent = SmsCode.objects.filter(
        phone_index=phone_index(phone), created_at__gt=now - dt.timedelta(hours=1)
    )
    last = recent.order_by("-created_at").first()
    if last and (now - last.created_at).total_seconds() < settings.SMS_CODE_MIN_INTERVAL_SECONDS:
        raise RateLimited("验证码发送过于频繁，请稍后再试", code="sms_too_frequent")
    if recent.count() >= settings.SMS_CODE_MAX_PER_PHONE_PER_HOUR:
        raise RateLimited("该手机号本小时获取验证码次数已达上限", code="sms_phone_limit")
    if ip:
        by_ip = SmsCode.objects.filter(
            ip_index=_ip_index(ip), created_at__gt=now - dt.timedelta(hours=1)
        ).count()
        if by_ip >= settings.SMS_CODE_MAX_PER_IP_PER_HOUR:
            raise RateLimited("当前网络获取验证码次数过多，请稍后再试", code="sms_ip_limit")


@transaction.atomic
def sms_code_request(*, phone: str, ip: str | None) -> None:
    phone = check_phone(phone)
    _check_rate(phone=phone, ip=ip)
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    SmsCode.objects.create(
        phone_index=phone_index(phone),
        ip_index=_ip_index(ip) if ip else "",
        code_hash=keyed_hash(f"{phone}:{code}", purpose="sms"),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    sms_queue(
        phone=phone,
        purpose="verify",
        secret=code,
        text=f"【民心】您的验证码是{SECRET_MASK}，{minutes}分钟内有效。请勿告诉他人。",
    )


def sms_code_verify(*, phone: str, code: str, ip: str | None = None) -> str:
    """Consume a valid code and return a citizen token for this phone.

    Each code allows MAX_CODE_ATTEMPTS tries (counted under a row lock before the check);
    each client, SMS_CODE_MAX_ATTEMPTS_PER_IP an hour across phones (accounts.throttle)."""
    phone = check_phone(phone)
    per_ip = throttle.Limit("sms-verify-ip", settings.SMS_CODE_MAX_ATTEMPTS_PER_IP, 3600)
    if ip:
        throttle.guard(
            (per_ip, ip), message="验证码尝试次数过多，请{wait}后再试", code="sms_verify_limit"
        )
    # The failed attempt must be counted even though we then refuse, so the refusal is
    # raised only after the transaction that counted it has committed.
    if not _consume(phone, (code or "").strip()):
        raise PermissionDenied(
            "验证码错误或已过期，请重新获取", code="invalid_sms_code", field="code"
        )
    if ip:
        throttle.give_back(per_ip, ip)
    return citizen_token_issue(phone=phone)


@transaction.atomic
def _consume(phone: str, code: str) -> bool:
    candidate = (
        SmsCode.objects.select_for_update()
        .filter(phone_index=phone_index(phone), used_at=None, expires_at__gt=clock.now())
        .order_by("-created_at")
        .first()
    )
    if candidate is None or candidate.failed_attempts >= MAX_CODE_ATTEMPTS:
        return False
    if not keyed_hash_matches(f"{phone}:{code}", candidate.code_hash, purpose="sms"):
        candidate.failed_attempts += 1
        candidate.save(update_fields=["failed_attempts"])
        return False
    candidate.used_at = clock.now()
    candidate.save(update_fields=["used_at"])
    return True


def _ip_index(ip: str) -> str:
    return blind_index(ip, purpose="ip")


def sms_codes_purge(*, older_than: dt.timedelta = SMS_CODE_KEEP) -> int:
    """Forget codes (and the phone and IP hashes they carry) once no rate limit needs them."""
    deleted, _ = SmsCode.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted


def citizen_token_issue(*, phone: str) -> str:
    # Signed, and the phone inside encrypted: the portal keeps this token in its database
    # session, where a signed-only token would show the phone to anyone reading the table.
    return signing.dumps({"p": encrypt(phone)}, salt=_TOKEN_SALT, compress=True)


def citizen_token_phone(token: str) -> str | None:
    """The verified phone a citizen token stands for, or None if it is invalid or expired."""
    try:
        data = signing.loads(token, salt=_TOKEN_SALT, max_age=settings.CITIZEN_TOKEN_MAX_AGE)
        sealed = data.get("p") if isinstance(data, dict) else None
        phone = decrypt(sealed) if isinstance(sealed, str) and is_encrypted(sealed) else None
    except (signing.BadSignature, DecryptionError, KeyConfigError):
        return None
    return phone if isinstance(phone, str) and PHONE_RE.match(phone) else None
