"""Outgoing messages: a transactional outbox.

A message row is written in the same database transaction as the change that causes it,
then delivered by a worker that claims it with a lease, sends it with its idempotency key,
and marks it sent. A worker killed at any point leaves the row to be claimed again when
the lease runs out; the key lets the recipient side drop a repeat, so a message arrives
once. Nothing accepted is lost when a gateway is down: it is retried with backoff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minxin.encryption.fields import BlindIndexField, EncryptedTextField

SECRET_MASK = "******"


class Status(models.TextChoices):
    PENDING = "pending", "待发送"
    # Recorded (committed) just before the gateway call: a row found here with its lease
    # run out means a worker died during the call.
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    # A worker died during the call to a sender that cannot drop repeats: not re-sent.
    UNCERTAIN = "uncertain", "待核实"


class OutboxMessage(models.Model):
    Status = Status

    idempotency_key = models.CharField(max_length=120, unique=True)
    event = models.CharField("事件", max_length=30, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]


class SmsMessage(OutboxMessage):
    # Encrypted at rest (SM4); found by the keyed blind index, as tickets' phones are.
    phone = EncryptedTextField("手机号", max_length=20)
    phone_index = BlindIndexField(source="phone")
    # A verification code never sits in `text`: the text holds SECRET_MASK where the code
    # goes, and the code waits here, encrypted, until delivery blanks it.
    text = models.CharField("内容", max_length=500)
    secret = EncryptedTextField("验证码（待发送）", max_length=20, blank=True, default="")
    purpose = models.CharField("用途", max_length=30)

    class Meta(OutboxMessage.Meta):
        verbose_name = "短信"
        verbose_name_plural = "短信"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sms_due_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} · {self.text[:20]}"


class EmailMessage(OutboxMessage):
    to = models.EmailField("收件人")
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")

    class Meta(OutboxMessage.Meta):
        verbose_name = "邮件"
        verbose_name_plural = "邮件"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_due_idx")]

    def __str__(self) -> str:
        return f"{self.to} · {self.subject}"


class InboxMessage(models.Model):
    """A message in a unit's or a person's workbench inbox. Written in the same transaction
    as its cause and read in place, so it needs no delivery step."""

    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="inbox"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inbox",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=30)
    text = models.CharField(max_length=500)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["unit", "read_at"]),
            models.Index(fields=["user", "read_at"]),
            # Every staff page's header counts the unread; they are few among many.
            models.Index(fields=["id"], condition=models.Q(read_at=None), name="inbox_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.text[:20]}"


class MessageTemplate(models.Model):
    """The wording of each event's message, editable by administrators."""

    event = models.CharField("事件", max_length=30, unique=True)
    text = models.CharField(
        "模板",
        max_length=500,
        help_text="可用占位符：{code} 查询码，{title} 标题，{due} 期限，"
        "{unit} 单位，{note} 说明，{link} 链接",
    )

    class Meta:
        verbose_name = "消息模板"
        verbose_name_plural = "消息模板"

    def __str__(self) -> str:
        return self.event


class DeliveryReceipt(models.Model):
    """What the recording sender "received": one row per idempotency key, so a repeated send
    after a crash shows up as a duplicate attempt, not a second message."""

    key = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=10)
    # What the demo's phone shows (codes included): written only in DEBUG or demo mode.
    text = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    duplicates = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key
