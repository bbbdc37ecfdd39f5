"""The city's organisation: units in a tree, request types, categories and who owns what."""

from __future__ import annotations

from django.db import models


class Unit(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", "市级受理中心"
        BUREAU = "bureau", "市直部门"
        DISTRICT = "district", "区县"
        STREET = "street", "街道/乡镇"
        OTHER = "other", "其他单位"

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.SlugField("编码", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path ("/1/5/12/") so "this unit and everything under it" is one LIKE.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField("启用", default=True)
    # 单位审核: a handler's reply goes to the unit head before the centre's review.
    reply_approval = models.BooleanField(
        "答复须经单位负责人审核",
        default=False,
        help_text="开启后，承办人员提交的办理结果先由本单位负责人审核，再报受理中心审核",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)
            for child in self.children.all():
                child.save()


class RequestType(models.Model):
    """投诉, 咨询, 建议, 求助, 举报 — each with its own time limits: the centre's stages
    (accept, dispatch) in working hours, the rest in working days (docs/deadlines.md)."""

    code = models.SlugField("编码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=20, unique=True)
    accept_hours = models.PositiveSmallIntegerField("受理时限（工作小时）", default=4)
    dispatch_hours = models.PositiveSmallIntegerField(
        "派遣时限（工作小时）", default=4, help_text="自受理或退回时起算"
    )
    deadline_days = models.PositiveSmallIntegerField("办结时限（工作日）", default=15)
    sign_days = models.PositiveSmallIntegerField("签收时限（工作日）", default=1)
    review_days = models.PositiveSmallIntegerField("审核时限（工作日）", default=1)
    callback_days = models.PositiveSmallIntegerField("评价/回访时限（工作日）", default=5)
    co_days = models.PositiveSmallIntegerField(
        "协办时限（工作日）",
        null=True,
        blank=True,
        help_text="为空时：主办单位答复期限前2个工作日截止，且不早于下一个工作日",
    )
    direct_answer = models.BooleanField("可在受理时直接答复", default=False)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "诉求类型"
        verbose_name_plural = "诉求类型"
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级分类",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    keywords = models.TextField("关键词（空格分隔，用于规则建议）", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求分类"
        verbose_name_plural = "诉求分类"
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="uniq_category")]
        ordering = ["parent_id", "id"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent is not None else self.name

    @property
    def top(self) -> Category:
        return self.parent if self.parent is not None else self


class DeadlineOverride(models.Model):
    """Category-specific time limits that win over the request type's defaults.
    Empty fields fall back to the type; a sign-for limit may be in working hours."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, verbose_name="诉求类型")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, verbose_name="分类")
    deadline_days = models.PositiveSmallIntegerField("办结时限（工作日）", null=True, blank=True)
    accept_hours = models.PositiveSmallIntegerField("受理时限（工作小时）", null=True, blank=True)
    dispatch_hours = models.PositiveSmallIntegerField("派遣时限（工作小时）", null=True, blank=True)
    sign_hours = models.PositiveSmallIntegerField(
        "签收时限（工作小时）", null=True, blank=True, help_text="填写后优先于签收工作日"
    )
    sign_days = models.PositiveSmallIntegerField("签收时限（工作日）", null=True, blank=True)
    review_days = models.PositiveSmallIntegerField("审核时限（工作日）", null=True, blank=True)
    callback_days = models.PositiveSmallIntegerField(
        "评价/回访时限（工作日）", null=True, blank=True
    )
    co_days = models.PositiveSmallIntegerField("协办时限（工作日）", null=True, blank=True)

    class Meta:
        verbose_name = "分类时限"
        verbose_name_plural = "分类时限"
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "category"], name="uniq_deadline_override"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_type} · {self.category}"


class Responsibility(models.Model):
    """Which unit owns which category, optionally only within one district (归口办理)."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, verbose_name="分类", related_name="responsibilities"
    )
    district = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="区县（空为全市）",
        related_name="+",
        limit_choices_to={"kind": Unit.Kind.DISTRICT},
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, verbose_name="责任单位", related_name="responsibilities"
    )

    class Meta:
        verbose_name = "职责归属"
        verbose_name_plural = "职责归属"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "district", "unit"], name="uniq_responsibility"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.unit}"
