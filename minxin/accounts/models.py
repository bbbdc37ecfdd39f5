"""Staff accounts. Citizens are not accounts: they are a verified phone or anonymous."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    INTAKE = "intake", "受理派遣"
    HANDLER = "handler", "承办人员"
    UNIT_HEAD = "unit_head", "单位负责人"
    REVIEWER = "reviewer", "审核人员"
    CALLBACK = "callback", "回访人员"
    SUPERVISOR = "supervisor", "督办人员"
    OVERSIGHT = "oversight", "监督小组成员"
    LEADER = "leader", "领导（只读）"
    ADMIN = "admin", "系统管理员"


# The role groups, defined here once; `tickets.workflow.PERMISSIONS` says what each may do.
# Roles that work for the dispatch centre and so see every request in the city.
CITYWIDE_ROLES = frozenset(
    {Role.INTAKE, Role.REVIEWER, Role.CALLBACK, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}
)
# The staff of a handling unit (承办单位).
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
# The dispatch centre's intake (受理派遣), with the administrator.
CENTRE_ROLES = frozenset({Role.INTAKE, Role.ADMIN})
REVIEW_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
CALLBACK_ROLES = frozenset({Role.CALLBACK, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Who may see a citizen's unmasked contact details (with a reason, audited).
REVEAL_ROLES = frozenset({Role.INTAKE, Role.SUPERVISOR, Role.ADMIN})


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.HANDLER)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # A work number, not a citizen's: emergency alerts (紧急诉求) reach duty staff by SMS.
    mobile = models.CharField(
        "工作手机", max_length=20, blank=True, help_text="值班期间紧急诉求告警短信发送到此号码"
    )

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_citywide(self) -> bool:
        return self.role in CITYWIDE_ROLES


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A staff API token. Only its hash is stored; the raw value is shown once at login."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.key_hash[:8]}"

    @staticmethod
    def new_key() -> str:
        return "mxs_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(raw: str) -> str:
        return _digest(raw)


class FailureCounter(models.Model):
    """Attempts at a secret per key (a keyed hash of a code, an account or an IP) in the
    current window: the lockouts' store when there is no Redis (accounts.throttle)."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    strikes = models.PositiveSmallIntegerField(default=0)
    # Epoch seconds, so one portable UPSERT can compute the next window.
    expires_at = models.BigIntegerField()

    class Meta:
        verbose_name = "失败计数"
        verbose_name_plural = "失败计数"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="failurecounter_scope_key")
        ]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key[:12]} · {self.count}"
