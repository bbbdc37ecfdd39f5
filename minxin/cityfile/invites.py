"""One-time set-password links for new staff accounts, made with Django's password-reset
tokens: a link stops working once the password is set (or after PASSWORD_RESET_TIMEOUT).
Mailed when the account has an email address; otherwise handed back for the administrator
to pass on."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from minxin.accounts.models import User


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("workbench:password_set", args=[uid, token])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def invites_send(usernames: list[str]) -> list[str]:
    """One line per new account: the link, or where it was mailed."""
    lines = []
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    for user in User.objects.filter(username__in=usernames).order_by("username"):
        link = password_link(user)
        if not user.email:
            lines.append(f"{user.username}: {link}")
            continue
        try:
            send_mail(
                "民心平台：请设置您的登录密码",
                f"{user} 您好：\n\n请在 {days} 天内打开以下链接设置密码（仅可使用一次）：\n"
                f"{link}\n\n用户名：{user.username}",
                None,
                [user.email],
            )
        except (OSError, smtplib.SMTPException) as exc:
            # The accounts are already loaded: the link must not be lost with the mail.
            lines.append(f"{user.username}: 邮件未能发送（{exc}），请转交此链接：{link}")
        else:
            lines.append(f"{user.username}: 设置密码链接已发送至 {user.email}")
    return lines
