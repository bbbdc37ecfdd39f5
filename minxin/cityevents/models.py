"""The city operations centre (城市运行管理中心) as a client of Minxin: who may call, which
calls were already seen, which of its event types become which requests, and which of its
events are linked to which request."""

from __future__ import annotations

from django.db import models

from minxin.core.hashing import keyed_hash


class Client(models.Model):
    """A caller of the city-events API. Signing needs the same secret on both sides, so no
    hash of it can be stored; instead the secret is a keyed hash of `seed` under the
    server's key: the database alone cannot sign a call, and revoking is one flag."""

    name = models.CharField("名称", max_length=100, unique=True)
    key = models.CharField("客户端编号", max_length=40, unique=True)
    seed = models.CharField(max_length=64)
    revoked = models.BooleanField("已吊销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField("最近调用", null=True, blank=True)

    class Meta:
        verbose_name = "事件接入客户端"
        verbose_name_plural = "事件接入客户端"

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    def secret(self) -> str:
        return "ces_" + keyed_hash(f"{self.key}:{self.seed}", purpose="cityevents-client")


class Nonce(models.Model):
    """A nonce a client has used: a call carrying it again is a replay. Kept for twice the
    timestamp window; older calls are refused by their timestamp anyway."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "nonce"], name="cityevents_nonce_once")
        ]

    def __str__(self) -> str:
        return self.nonce


class EventType(models.Model):
    """One of the centre's event types and the request it becomes."""

    code = models.CharField("事件类型编码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    request_type = models.ForeignKey(
        "org.RequestType", on_delete=models.PROTECT, verbose_name="诉求类型"
    )
    category = models.ForeignKey(
        "org.Category", null=True, blank=True, on_delete=models.PROTECT, verbose_name="分类"
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "城市事件类型"
        verbose_name_plural = "城市事件类型"

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class CityEvent(models.Model):
    """A centre event and the request it belongs to: created from it, or linked to it."""

    class How(models.TextChoices):
        CREATED = "created", "由事件生成诉求"
        LINKED = "linked", "关联已有诉求"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField("事件编号", max_length=64)
    event_type = models.ForeignKey(
        EventType, null=True, blank=True, on_delete=models.PROTECT, verbose_name="事件类型"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="+", verbose_name="诉求"
    )
    how = models.CharField("方式", max_length=10, choices=How.choices)
    occurred_at = models.DateTimeField("事件发生时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = "城市事件"
        verbose_name_plural = "城市事件"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "event_id"], name="cityevents_event_once")
        ]

    def __str__(self) -> str:
        return self.event_id
