"""What dispatchers did with the platform's suggestions (采纳/纠正), one row per request.

Written when intake accepts or dispatches a request (`routing.feedback`); the next training
(`minxin nlp-train --from-requests`) learns the chosen category of the closed request, and the
recommender learns the chosen lead unit from the assignments themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SuggestionFeedback(models.Model):
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  related_name="suggestion_feedback", verbose_name="诉求")
    model_version = models.ForeignKey("nlp.ModelVersion", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name="分类模型版本")
    # [{"category_id", "label", "confidence"}], best first
    suggested_categories = models.JSONField("建议分类", default=list, blank=True)
    chosen_category = models.ForeignKey("org.Category", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name="确定分类")
    accepted_category = models.BooleanField("采纳分类建议", null=True)
    # [{"unit_id", "name", "confidence"}], best first
    suggested_units = models.JSONField("建议单位", default=list, blank=True)
    chosen_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="确定主办单位")
    accepted_unit = models.BooleanField("采纳单位建议", null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "智能建议反馈"
        verbose_name_plural = "智能建议反馈"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"
