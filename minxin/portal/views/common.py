"""Small helpers shared by the submission and tracking pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from minxin.identity.services import check_phone
from minxin.tickets.display import mask_phone


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy the deployment sets REMOTE_ADDR from the trusted header; never trust
    # X-Forwarded-For here, or one client could dodge the per-IP SMS limit.
    return request.META.get("REMOTE_ADDR") or None


def sms_sent_text(phone: str) -> str:
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    return f"验证码已发送至{mask_phone(check_phone(phone))}，请在{minutes}分钟内填写。"
