"""Public services beyond the request form: typical cases (典型案例库), service guides (办事指南),
convenience notices (便民信息), and the one search index over all of them.

A typical case is a closed request chosen by staff, its texts redacted (`redact.py`) and checked
by a reviewer before anyone outside sees it. It is not `similar.PublicCase`, which holds cases
imported from another platform's public board for 智能预判.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CaseStatus(models.TextChoices):
    NOMINATED = "nominated", "待审核"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"


class TypicalCase(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="typical_case"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CaseStatus.choices, default=CaseStatus.NOMINATED
    )
    # The texts the public reads, redacted at nomination and edited by the reviewer.
    title = models.CharField("标题", max_length=100)
    problem = models.TextField("反映的问题")
    handling = models.TextField("办理情况")
    reply = models.TextField("答复")
    category = models.ForeignKey(
        "org.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the redaction found at nomination: [{kind, text}], for the reviewer only.
    found = models.JSONField(default=list, blank=True)
    reason = models.CharField("推荐理由", max_length=500, blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField("撤回理由", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class Guide(models.Model):
    """A service guide (办事指南): how to get one thing done, kept by the unit that does it.
    List fields hold one item a line."""

    title = models.CharField("事项名称", max_length=100)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="办理单位"
    )
    category = models.ForeignKey(
        "org.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="分类",
    )
    summary = models.TextField("适用情形", max_length=2000)
    materials = models.TextField("所需材料（每行一项）", max_length=4000)
    steps = models.TextField("办理步骤（每行一步）", max_length=4000)
    fees = models.CharField("收费标准", max_length=200, default="不收费")
    time_limit = models.CharField("办理时限", max_length=100)
    office = models.CharField("办理地点", max_length=200)
    hours = models.CharField("办公时间", max_length=100)
    contact = models.CharField("咨询电话", max_length=100)
    published = models.BooleanField("公开", default=True)
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "办事指南"
        verbose_name_plural = "办事指南"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class GuideVote(models.Model):
    """ "这个指南有帮助吗": one answer per browser session and guide, no login."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="votes")
    session_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guide", "session_key"], name="uniq_guide_vote")
        ]

    def __str__(self) -> str:
        return f"{self.guide_id} {'有帮助' if self.helpful else '没帮助'}"


class Notice(models.Model):
    """Convenience information (便民信息) with the period it is valid for."""

    class Kind(models.TextChoices):
        WATER = "water", "停水"
        POWER = "power", "停电"
        GAS = "gas", "停气"
        ROAD = "road", "交通管制"
        SERVICE_POINT = "service_point", "便民服务点"
        OTHER = "other", "其他"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", max_length=4000)
    area = models.CharField("影响范围或地址", max_length=200, blank=True)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="发布单位"
    )
    district = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="区县",
    )
    valid_from = models.DateTimeField("开始时间")
    valid_until = models.DateTimeField("结束时间", null=True, blank=True)
    published = models.BooleanField("公开", default=True)
    updated_at = models.DateTimeField("更新时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "便民信息"
        verbose_name_plural = "便民信息"
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return self.title


class SearchEntry(models.Model):
    """One public document in the one search (`search.py`): its words already segmented by
    jieba, indexed by SQLite FTS5 (table `publicinfo_search_fts`) or PostgreSQL's tsvector
    column `tsv` with a GIN index (migration 0002), neither declared here."""

    class Kind(models.TextChoices):
        CASE = "case", "典型案例"
        GUIDE = "guide", "办事指南"
        NOTICE = "notice", "便民信息"
        POLICY = "policy", "政策解读"
        FAQ = "faq", "常见问题"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    ref_id = models.BigIntegerField()
    title = models.CharField(max_length=200)
    snippet = models.CharField(max_length=300)
    url = models.CharField(max_length=200)
    words = models.TextField()
    district_id = models.BigIntegerField(null=True, blank=True)
    category_id = models.BigIntegerField(null=True, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()
    # A notice leaves the results when its period is over.
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "ref_id"], name="uniq_search_entry")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref_id} {self.title}"


class Policy(models.Model):
    """政策直通车: a unit head's plain-language explanation of a new policy. Every edit is a new
    `PolicyVersion`; the public reads the newest one (`current`) while the policy is public."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="解读单位"
    )
    current = models.ForeignKey(
        "PolicyVersion", null=True, on_delete=models.PROTECT, related_name="+"
    )
    published = models.BooleanField("公开", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "政策解读"
        verbose_name_plural = "政策解读"

    def __str__(self) -> str:
        return self.current.title if self.current_id and self.current else f"政策解读 {self.pk}"


class PolicyAttachment(models.Model):
    """A file checked by its content (`policy_files.check_attachment`); a version lists the
    attachments it shows, so an old version keeps the files it had."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="policies/")
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField("政策名称", max_length=100)
    document = models.CharField("政策文件（文号）", max_length=200, blank=True)
    summary = models.TextField("一句话说明", max_length=300)
    body = models.TextField("解读（通俗说明）", max_length=20000)
    effective = models.DateField("施行日期", null=True, blank=True)
    note = models.CharField("修改说明", max_length=200, blank=True)
    attachments = models.ManyToManyField(PolicyAttachment, blank=True, related_name="versions")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="uniq_policy_version")
        ]
        ordering = ["policy", "-number"]

    def __str__(self) -> str:
        return f"{self.title} 第{self.number}版"


class PolicyQuestion(models.Model):
    """A citizen's question on a policy: shown only once staff approve it, with their answer."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已公开"
        REJECTED = "rejected", "不予公开"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="questions")
    question = models.TextField("问题", max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField("答复", max_length=2000, blank=True)
    asked_at = models.DateTimeField()
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return self.question[:30]
