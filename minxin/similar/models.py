"""Similar cases (智能预判) and duplicate requests (重复件、并案线索)."""

from __future__ import annotations

from django.db import models


class PublicCase(models.Model):
    """A handled case from a public library (e.g. a message board's past questions and
    official replies), shown to citizens next to the platform's own closed requests."""

    source = models.CharField("来源", max_length=50)
    external_id = models.CharField("来源编号", max_length=50)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容")
    date = models.DateTimeField("留言时间", null=True, blank=True)
    reply = models.TextField("答复")
    reply_date = models.DateTimeField("答复时间", null=True, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now=True)

    class Meta:
        verbose_name = "公开案例"
        verbose_name_plural = "公开案例"
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="uniq_public_case")
        ]

    def __str__(self) -> str:
        return self.title


class TicketKeyword(models.Model):
    """One of a request's weighted keywords, with its district and date copied beside it so
    "recent requests in this district sharing these words" is one indexed range scan."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="match_keywords"
    )
    term = models.CharField(max_length=30)
    weight = models.FloatField()
    district_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["term", "district_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} · {self.term}"


class DuplicateFlag(models.Model):
    """A new request that looks like another one: intake decides whether to merge (并案)."""

    class Kind(models.TextChoices):
        REPEAT = "repeat", "同一诉求人重复反映"
        SAME_MATTER = "same_matter", "同一地点同一事项"

    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="duplicate_flags",
        verbose_name="诉求",
    )
    similar_to = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name="疑似重复于"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    score = models.FloatField("相似度")
    resolved = models.BooleanField("已处理", default=False)
    created_at = models.DateTimeField("发现时间")

    class Meta:
        verbose_name = "疑似重复"
        verbose_name_plural = "疑似重复"
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "similar_to"], name="uniq_duplicate_flag")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} ~ {self.similar_to_id} ({self.kind})"
