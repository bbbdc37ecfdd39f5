"""Hot topics, the district map, early-warning thresholds and alerts, the 红黑榜."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class DistrictShape(models.Model):
    """One district's outline from the city's GeoJSON (`minxin city-geojson FILE`), as
    [[lon, lat], ...] rings; matched to the district unit of the same name."""

    name = models.CharField("名称", max_length=50, unique=True)
    adcode = models.CharField("行政区划代码", max_length=12, blank=True)
    rings = models.JSONField("边界")
    loaded_at = models.DateTimeField("导入时间")

    class Meta:
        verbose_name = "区县边界"
        verbose_name_plural = "区县边界"
        ordering = ["adcode", "name"]

    def __str__(self) -> str:
        return self.name


class TopicSnapshot(models.Model):
    """The hot topics of the requests of one period, as the worker computed them."""

    computed_at = models.DateTimeField("计算时间", db_index=True)
    first = models.DateField("开始日期")
    last = models.DateField("结束日期")
    n_requests = models.PositiveIntegerField("诉求数")
    # [topics.as_json(topic, rank), ...] hottest first; "ids" are request ids.
    topics = models.JSONField("热点", default=list)

    class Meta:
        verbose_name = "热点快照"
        verbose_name_plural = "热点快照"
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.first}–{self.last}（{len(self.topics)}个热点）"


def _positive(limit: int | float) -> list:
    return [MinValueValidator(0), MaxValueValidator(limit)]


class WarningSettings(models.Model):
    """The early-warning thresholds (one row), edited in the admin."""

    trend_min_size = models.PositiveSmallIntegerField(
        "上升热点：最少诉求数", default=8, help_text="本期至少这么多件诉求的热点才可能预警"
    )
    trend_min_growth = models.FloatField(
        "上升热点：最低增幅",
        default=1.0,
        validators=_positive(100),
        help_text="与上期相比的增幅，1.0 即翻一番；上期没有的新热点视为满足",
    )
    group_min_size = models.PositiveSmallIntegerField(
        "群体性诉求：最少人数", default=5, validators=[MinValueValidator(2)]
    )
    group_hours = models.PositiveSmallIntegerField(
        "群体性诉求：时间窗口（小时）", default=48, validators=[MinValueValidator(1)]
    )
    group_similarity = models.FloatField(
        "群体性诉求：内容相似度下限",
        default=0.35,
        validators=_positive(1),
        help_text="两件诉求关键词的余弦相似度，0到1",
    )
    address_similarity = models.FloatField(
        "群体性诉求：地址相似度下限",
        default=0.5,
        validators=_positive(1),
        help_text="两件诉求地址的字符重合度，0到1；无地址时按同一区县计",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "预警阈值"
        verbose_name_plural = "预警阈值"

    def __str__(self) -> str:
        return "预警阈值"

    @classmethod
    def current(cls) -> WarningSettings:
        return cls.objects.order_by("pk").first() or cls()


class InsightAlert(models.Model):
    """A trending topic or a group request the worker found; every supervisor was told."""

    class Kind(models.TextChoices):
        TREND = "trend", "上升热点"
        GROUP = "group", "群体性诉求"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=120, unique=True)
    summary = models.CharField("摘要", max_length=300)
    keywords = models.JSONField("关键词", default=list)
    ticket_ids = models.JSONField("诉求", default=list)
    district = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField("预警时间", db_index=True)

    class Meta:
        verbose_name = "热点预警"
        verbose_name_plural = "热点预警"
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.summary}"


class RankingWeights(models.Model):
    """The 红黑榜's score (one row, edited in the admin; docs/analytics.md, "红黑榜")."""

    on_time = models.PositiveSmallIntegerField("按期办结率权重", default=30)
    satisfaction = models.PositiveSmallIntegerField("满意率权重", default=30)
    reopen = models.PositiveSmallIntegerField("重办率权重", default=10)
    returns = models.PositiveSmallIntegerField("退单率权重", default=10)
    supervision = models.PositiveSmallIntegerField("督办率权重", default=10)
    oversight = models.PositiveSmallIntegerField("第三方评议权重", default=10)
    min_closed = models.PositiveSmallIntegerField(
        "上榜最少办结件数", default=5, help_text="当月办结少于此数的单位列为“样本不足”，不排名"
    )
    red_count = models.PositiveSmallIntegerField("红榜单位数", default=3)
    black_count = models.PositiveSmallIntegerField("黑榜单位数", default=3)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "红黑榜评分规则"
        verbose_name_plural = "红黑榜评分规则"

    def __str__(self) -> str:
        return "红黑榜评分规则"

    @classmethod
    def current(cls) -> RankingWeights:
        return cls.objects.order_by("pk").first() or cls()


class Ranking(models.Model):
    """One month's 红黑榜: a draft the worker or a supervisor computes, then published by a
    supervisor and frozen (its rows and weights never change; a digest is on the audit
    chain). Every published month is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", "待审核"
        PUBLISHED = "published", "已发布"

    month = models.DateField("月份", unique=True, help_text="该月1日")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    weights = models.JSONField("评分规则")
    computed_at = models.DateTimeField("计算时间")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    digest = models.CharField("发布摘要（SM3）", max_length=64, blank=True)

    class Meta:
        verbose_name = "红黑榜"
        verbose_name_plural = "红黑榜"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}红黑榜（{self.get_status_display()}）"


class RankingRow(models.Model):
    class List(models.TextChoices):
        RED = "red", "红榜"
        BLACK = "black", "黑榜"
        NONE = "", "—"

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="rows")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True)  # None: too few
    score = models.FloatField("得分", null=True, blank=True)
    listed = models.CharField("榜单", max_length=5, choices=List.choices, blank=True)
    closed = models.PositiveIntegerField("办结件数")
    # {"on_time": rate or None, "satisfaction": ..., "reopen": ..., "returns": ...,
    #  "supervision": ..., "oversight": ...}: each component's rate, as published.
    parts = models.JSONField("分项")

    class Meta:
        verbose_name = "红黑榜单位"
        verbose_name_plural = "红黑榜单位"
        ordering = ["ranking", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "unit"], name="uniq_ranking_unit")
        ]

    def __str__(self) -> str:
        return f"{self.ranking_id} {self.unit_id} {self.rank}"


class DemandForecast(models.Model):
    """The weekly demand forecasts the worker computes each night, per first-level category
    and per district (`insight.demand`)."""

    computed_at = models.DateTimeField("计算时间", db_index=True)
    # {"category": [series...], "district": [series...]}; a series is {"name", "recent":
    # [[week, n], ...], "predictions": [{"week", "mean", "low", "high"}, ...]}.
    series = models.JSONField("预测")

    class Meta:
        verbose_name = "需求预测"
        verbose_name_plural = "需求预测"
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"
