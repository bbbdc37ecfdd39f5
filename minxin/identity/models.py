from __future__ import annotations

from django.db import models


class SmsCode(models.Model):
    """A one-time code sent to a phone. Only keyed hashes are kept: of the code, and of the
    phone and the IP, which is all the rate limits need; rows are purged after a day."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=128)
    ip_index = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["ip_index", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone_index[:8]} · {self.created_at:%Y-%m-%d %H:%M}"
