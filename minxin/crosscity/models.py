"""Cross-city transfer (跨市转办) and joint supervision (联合督办): the peer cities, the
transfers both ways, the signed messages waiting to go out, and the ones received."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class Peer(models.Model):
    """A neighbouring city's Minxin: where to send, and the key its messages must carry."""

    code = models.SlugField("城市代码", max_length=30, unique=True)
    name = models.CharField("城市名称", max_length=50)
    base_url = models.URLField(
        "接口地址", help_text="对方平台的根地址，如 https://12345.example.gov.cn"
    )
    public_key = models.CharField(
        "SM2公钥",
        max_length=128,
        validators=[RegexValidator(r"^[0-9a-f]{128}$", "须为128位小写十六进制（不含04前缀）")],
        help_text="对方 `minxin crosscity whoami` 输出的128位十六进制公钥",
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "协作城市"

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """One request handed from one city to another; the same id on both sides."""

    class Direction(models.TextChoices):
        OUT = "out", "转出"
        IN = "in", "转入"

    # The transfer id, the same in both cities: the receiver takes one only once.
    uid = models.UUIDField("转办编号", default=uuid.uuid4, editable=False)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="transfers")
    # Ours: the request we handed over (out), or the one its arrival created (in).
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="crosscity_transfers"
    )
    remote_code = models.CharField("对方查询码", max_length=12, blank=True)
    reason = models.TextField("转办理由", blank=True)
    # What arrived with an inbound transfer: the origin's public timeline, category and unit.
    origin = models.JSONField("来源记录", default=dict, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the receiving city acknowledged it (out); when it arrived (in).
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "跨市转办"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "uid"], name="crosscity_transfer_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.peer} {self.uid}"


class Message(models.Model):
    """The outbox: a signed message to a peer, written in the transaction that caused it,
    sent by the worker until the peer answers 2xx (a 4xx gives up: it would never pass)."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", "转办"
        PROGRESS = "progress", "办理进展"
        SUPERVISE = "supervise", "联合督办"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    body = models.TextField("报文")  # the exact bytes signed, sent again as they are
    signature = models.CharField("SM2签名", max_length=128)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    failed_at = models.DateTimeField("放弃时间", null=True, blank=True)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "跨市报文（发件箱）"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.peer}"


class Received(models.Model):
    """A message taken in: its id is unique per sender, so a retried delivery does nothing."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="received")
    message_id = models.UUIDField()
    kind = models.CharField(max_length=10, choices=Message.Kind.choices)
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="received")
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "跨市报文（已接收）"
        constraints = [
            models.UniqueConstraint(fields=["peer", "message_id"], name="crosscity_received_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ← {self.peer}"


class JointSupervision(models.Model):
    """A supervision order on a transferred matter, asked by one city, opened in the other."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="supervisions")
    # Ours when it was opened here at the other city's request; empty on the asking side.
    order = models.ForeignKey(
        "supervision.SupervisionOrder", null=True, blank=True, on_delete=models.PROTECT
    )
    asked_here = models.BooleanField("本市发起")
    note = models.TextField("督办意见")
    asked_by = models.CharField("发起人", max_length=80)
    at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "联合督办"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.asked_by}：{self.note[:20]}"
