"""The log of every reveal of a submitter's unmasked contact, each witnessed by the chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minxin.audit.chain import iso, sm3_hex


class RevealLog(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="reveal_logs", verbose_name="诉求"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="查看人"
    )
    role = models.CharField("角色", max_length=20)
    reason = models.CharField("查看理由", max_length=200)
    at = models.DateTimeField("查看时间", db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.ticket_id} @ {self.at:%Y-%m-%d %H:%M}"


def reveal_payload(log: RevealLog) -> dict:
    """The chain's record of a reveal; the free-text reason enters only as its digest."""
    return {
        "ticket": log.ticket_id,
        "user": log.user_id,
        "role": log.role,
        "at": iso(log.at),
        "reason_sm3": sm3_hex(log.reason),
    }
