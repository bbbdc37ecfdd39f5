"""Webhook subscriptions and their deliveries: an outbox of signed POSTs.

The worker turns timeline steps past each subscription's cursor into `Delivery` rows (one per
subscription, step and event type: a unique constraint, so two workers never make two), then
sends them with a lease and retries with backoff, as notify's outbox does. A receiver drops a
repeat by its delivery id, so a delivery cut off mid-call may be sent again: it arrives once.
"""

from __future__ import annotations

import uuid

from django.db import models

from minxin.cityevents.signing import SHA256, SM3
from minxin.encryption.fields import EncryptedTextField


class Subscription(models.Model):
    class Algorithm(models.TextChoices):
        SM3 = SM3, "HMAC-SM3"
        SHA256 = SHA256, "HMAC-SHA256"

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField("接收地址", max_length=500)
    secret = EncryptedTextField("签名密钥", max_length=200)
    algorithm = models.CharField(
        "签名算法", max_length=12, choices=Algorithm.choices, default=Algorithm.SM3
    )
    event_types = models.JSONField("事件类型", default=list)
    active = models.BooleanField("启用", default=True)
    # The last timeline step every later one is measured from (see fanout.py).
    cursor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "推送订阅"
        verbose_name_plural = "推送订阅"

    def __str__(self) -> str:
        return self.name


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已送达"
        FAILED = "failed", "发送失败"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name="订阅"
    )
    step = models.ForeignKey(
        "tickets.TimelineEvent", on_delete=models.CASCADE, related_name="+", verbose_name="环节"
    )
    event_type = models.CharField("事件类型", max_length=20)
    delivery_id = models.UUIDField("投递编号", default=uuid.uuid4, unique=True, editable=False)
    # What is sent, fixed when the row is made: every retry sends the same bytes.
    payload = models.JSONField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    created_at = models.DateTimeField("生成时间")
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    error = models.CharField("错误", max_length=300, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "step", "event_type"], name="webhooks_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhooks_due_idx")]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.event_type} · {self.delivery_id}"
