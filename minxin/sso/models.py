"""Which provider account is which staff account. An administrator links them in the admin;
signing in never creates or links a staff account by itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StaffIdentity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField("身份提供方（iss）", max_length=200)
    subject = models.CharField("统一身份账号标识（sub）", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "统一身份关联"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_one_staff_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.subject}"
