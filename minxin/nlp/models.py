"""Stored classifier versions (模型版本): train, activate, roll back.

A trained `minxin.nlp.pipeline.Model` is serialised (a compressed .npz of arrays and JSON,
`minxin.nlp.arrays`; rows written before that format hold joblib) into `blob`, or, when
``settings.NLP_MODEL_STORAGE == "file"``, into a file under ``settings.DATA_DIR /
"nlp-models"`` whose relative path is kept in `path`. At most one version per `name` is
active; `previous` remembers which version was active before this one was activated, so
that a rollback restores it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

# The model that suggests a request's category; other uses of the classifier pick other names.
DEFAULT_NAME = "category"


class ModelVersion(models.Model):
    name = models.CharField(
        "模型",
        max_length=64,
        default=DEFAULT_NAME,
        db_index=True,
        help_text="模型用途，例如 category（诉求分类）",
    )
    version = models.PositiveIntegerField("版本号")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.CharField("创建者", max_length=150, blank=True)
    metrics = models.JSONField("评估指标", default=dict, blank=True)
    config = models.JSONField("训练参数", default=dict, blank=True)
    labels = models.JSONField("分类标签", default=list, blank=True)
    n_train = models.PositiveIntegerField("训练样本数", default=0)
    train_seconds = models.FloatField("训练耗时（秒）", default=0)
    blob = models.BinaryField("模型数据", null=True, blank=True, editable=False)
    path = models.CharField(
        "模型文件", max_length=500, blank=True, help_text="相对于 DATA_DIR 的路径（文件存储时）"
    )
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    is_active = models.BooleanField("启用", default=False)
    activated_at = models.DateTimeField("启用时间", null=True, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name="此前启用的版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "模型版本"
        verbose_name_plural = "模型版本"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="nlp_model_name_version"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(is_active=True), name="nlp_one_active_model_per_name"
            ),
        ]

    def __str__(self) -> str:
        state = "（启用）" if self.is_active else ""
        return f"{self.name} v{self.version}{state}"
