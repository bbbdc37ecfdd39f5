"""Emotion and risk signals of a request (情绪分析、风险预警), from an editable lexicon."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class RiskTerm(models.Model):
    """A word or phrase that signals anger, urgency or danger. Edited in the admin; the
    scoring rules read these rows, so tuning the lexicon needs no code change."""

    class Kind(models.TextChoices):
        ANGER = "anger", "愤怒情绪"
        URGENCY = "urgency", "紧急程度"
        DANGER = "danger", "危险信号"
        # A longer phrase containing a term but meaning something else (跳楼机, 报复性消费):
        # blanked out before matching.
        EXCLUDE = "exclude", "排除短语"

    class Category(models.TextChoices):
        SELF_HARM = "self_harm", "自伤自杀"
        VIOLENCE = "violence", "暴力伤害"
        GAS = "gas", "燃气"
        COLLAPSE = "collapse", "坍塌"
        FIRE = "fire", "火灾"
        ELECTRIC = "electric", "触电"
        FLOOD = "flood", "水灾溺水"
        GROUP_GATHERING = "group_gathering", "群体聚集"
        PETITION = "petition", "上访"
        EMOTION = "emotion", "情绪"
        URGENT = "urgent", "紧急"

    term = models.CharField("词语", max_length=30)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    weight = models.FloatField(
        "权重",
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0到1；0.9及以上的危险信号单独出现即为“紧急”风险",
    )
    category = models.CharField("类别", max_length=20, choices=Category.choices, blank=True)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "风险词"
        verbose_name_plural = "风险词库"
        ordering = ["kind", "category", "-weight", "term"]
        constraints = [models.UniqueConstraint(fields=["term", "kind"], name="uniq_risk_term")]

    def __str__(self) -> str:
        return f"{self.term}（{self.get_kind_display()} {self.weight}）"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"
    CRITICAL = "critical", "紧急"


class TicketInsight(models.Model):
    """What the platform read in a request when it arrived."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="insight", verbose_name="诉求"
    )
    anger = models.FloatField("愤怒", default=0)
    urgency = models.FloatField("紧急", default=0)
    danger = models.FloatField("危险", default=0)
    risk_level = models.CharField(
        "风险等级", max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW, db_index=True
    )
    # {"terms": [{term, kind, weight, category, count}], "categories": [...],
    #  "group": {"count", "ticket_ids", "hours"} when it is part of a group request}
    signals = models.JSONField("信号", default=dict, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    computed_at = models.DateTimeField("分析时间")

    class Meta:
        verbose_name = "诉求研判"
        verbose_name_plural = "诉求研判"
        indexes = [
            # The 风险预警 list and the lists' risk badges look up the few high and critical
            # readings of the open requests from this small index alone, never the history's
            # (workbench.queues.at_risk).
            models.Index(
                fields=["ticket", "risk_level"],
                name="risk_listed_idx",
                condition=models.Q(risk_level__in=["critical", "high"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.risk_level}"


class MissedAnalysis(models.Model):
    """A request whose analysis failed as it arrived. The request itself was kept; the worker
    reads it again every minute until the analysis succeeds or the request is finished."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name="诉求"
    )
    failed_at = models.DateTimeField("最近失败时间")
    attempts = models.PositiveIntegerField("尝试次数", default=1)
    error = models.CharField("错误", max_length=200, blank=True)

    class Meta:
        verbose_name = "待重试的研判"
        verbose_name_plural = "待重试的研判"
        ordering = ["failed_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} ×{self.attempts}"


class EmergencyLine(models.Model):
    """A number the citizen is shown the moment their text suggests danger (110, 119, 120,
    the city's gas, water and power lines). Edited in the admin."""

    name = models.CharField("名称", max_length=30)
    number = models.CharField("电话", max_length=20)
    note = models.CharField("说明", max_length=60, blank=True, help_text="例如：火灾、燃气泄漏")
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "紧急求助电话"
        verbose_name_plural = "紧急求助电话"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"
