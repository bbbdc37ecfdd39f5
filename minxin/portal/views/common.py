"""Small helpers shared by the submission and tracking pages."""

from __future__ import annotations

from django.conf import settings

from minxin.accounts.throttle import client_ip
from minxin.identity.services import check_phone
from minxin.tickets.display import mask_phone

# The pages' client address is the one every per-client limit counts (accounts.throttle).
__all__ = ["client_ip", "sms_sent_text"]


def sms_sent_text(phone: str) -> str:
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    return f"验证码已发送至{mask_phone(check_phone(phone))}，请在{minutes}分钟内填写。"
