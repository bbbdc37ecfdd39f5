"""What dispatchers did with the platform's suggestions (采纳/纠正), one row per request.

Written when intake accepts or dispatches a request (`routing.feedback`); the next training
(`minxin nlp-train --from-requests`) learns the chosen category of the closed request, and the
recommender learns the chosen lead unit from the assignments themselves.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class SuggestionFeedback(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="suggestion_feedback",
        verbose_name="诉求",
    )
    model_version = models.ForeignKey(
        "nlp.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="分类模型版本",
    )
    # [{"category_id", "label", "confidence"}], best first
    suggested_categories = models.JSONField("建议分类", default=list, blank=True)
    chosen_category = models.ForeignKey(
        "org.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确定分类",
    )
    accepted_category = models.BooleanField("采纳分类建议", null=True)
    # [{"unit_id", "name", "confidence"}], best first
    suggested_units = models.JSONField("建议单位", default=list, blank=True)
    chosen_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="确定主办单位",
    )
    accepted_unit = models.BooleanField("采纳单位建议", null=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "智能建议反馈"
        verbose_name_plural = "智能建议反馈"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class AutoDispatchSetting(models.Model):
    """The city's switch for automatic dispatch (自动派遣), one row, edited in the admin (every
    change on the audit chain). `MINXIN_AUTO_DISPATCH_THRESHOLD`, when set, pins the switch
    on at that threshold and this row is shown read-only (`routing.autodispatch.threshold`)."""

    enabled = models.BooleanField(
        "启用自动派遣",
        default=False,
        help_text="启用后，新诉求的首选承办单位置信度达到阈值、且不是高风险或疑似重复的，"
        "由系统自动受理并派遣；其余仍由受理员处理。",
    )
    threshold = models.DecimalField(
        "置信度阈值",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0.50")), MaxValueValidator(Decimal("1.00"))],
        help_text="0.50–1.00。阈值越高，自动派遣的越少、越准；可参考“智能建议反馈”中的单位建议采纳率。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "自动派遣设置"
        verbose_name_plural = "自动派遣设置"

    def __str__(self) -> str:
        return f"自动派遣：{'启用' if self.enabled else '关闭'}（阈值{self.threshold}）"


class LabelMapping(models.Model):
    """What a classifier label means in this city's category tree (模型标签映射).

    Without a row a label means the category of the same name (`routing.labels`); a row
    says otherwise, e.g. the public data's 环境保护 is this city's 生态环境, or its 商贸旅游
    is the market regulator's 市场监管."""

    model_name = models.CharField(
        "模型", max_length=64, default="category", help_text="模型用途，默认 category（诉求分类）"
    )
    label = models.CharField(
        "模型标签", max_length=100, help_text="分类模型输出的标签，例如“环境保护”"
    )
    category = models.ForeignKey(
        "org.Category",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="对应分类",
        help_text="本市分类树中的分类（一级或二级）",
    )

    class Meta:
        verbose_name = "模型标签映射"
        verbose_name_plural = "模型标签映射"
        ordering = ["model_name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["model_name", "label"], name="routing_label_once")
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.category}"
