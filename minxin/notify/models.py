"""Outgoing messages. A row is written in the same transaction as the change that causes it
(a transactional outbox), then delivered; nothing accepted is lost if delivery fails."""

from __future__ import annotations

from django.db import models


class SmsMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    phone = models.CharField("手机号", max_length=20)
    text = models.CharField("内容", max_length=500)
    purpose = models.CharField("用途", max_length=30)
    idempotency_key = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "短信"
        verbose_name_plural = "短信"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"])]
