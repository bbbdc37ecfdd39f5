"""The workbench's own records: staff second factors and the log of contact reveals."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minxin.encryption.fields import EncryptedTextField


class StaffTotp(models.Model):
    """A staff member's TOTP secret (RFC 6238). Only a confirmed one is enforced at login,
    so a half-finished enrolment can never lock anyone out."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp"
    )
    # Encrypted at rest like citizens' personal data: a database dump must not be enough
    # to mint a staff member's second factor.
    secret = EncryptedTextField("密钥", max_length=64)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "动态口令"
        verbose_name_plural = "动态口令"

    def __str__(self) -> str:
        return f"{self.user} ({'已启用' if self.confirmed else '待确认'})"
