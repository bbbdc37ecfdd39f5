"""A citizen's request (诉求工单) and everything that happens to it.

Status is written only by the service functions in `minxin.tickets.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from minxin.encryption.fields import BlindIndexField, EncryptedTextField
from minxin.tickets.codes import display
from minxin.tickets.side_tables import OversightShare as OversightShare
from minxin.tickets.side_tables import TicketText as TicketText


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    PENDING_INFO = "pending_info", "待补充材料"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "已派遣待签收"
    RETURNED = "returned", "已退回待改派"
    SIGNED = "signed", "办理中"
    UNIT_REVIEW = "unit_review", "单位审核中"
    REPLIED = "replied", "已答复待审核"
    PUBLISHED = "published", "已答复待评价"
    CLOSED = "closed", "已办结"
    ARCHIVED = "archived", "已归档"
    MERGED = "merged", "已并案"


OPEN_STATUSES = [
    s for s in Status if s not in (Status.REJECTED, Status.CLOSED, Status.ARCHIVED, Status.MERGED)
]
# States whose clock is running; pending_info is paused, the rest are finished.
RUNNING_STATUSES = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.RETURNED,
    Status.DISPATCHED,
    Status.SIGNED,
    Status.UNIT_REVIEW,
    Status.REPLIED,
    Status.PUBLISHED,
]
# Running and not yet answered: the overall time limit (办结期限) is the unit's to meet.
DUE_STATUSES = [s for s in RUNNING_STATUSES if s != Status.PUBLISHED]
# Until the citizen has the answer (the 风险预警 list): a published reply deals with it.
UNANSWERED_STATUSES = [s for s in OPEN_STATUSES if s not in (Status.UNIT_REVIEW, Status.PUBLISHED)]


class Channel(models.TextChoices):
    WEB = "web", "网站"
    APP = "app", "手机应用"
    PHONE = "phone", "电话"
    WECHAT = "wechat", "微信"
    API = "api", "接口"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    NOT_RATED = "not_rated", "未评价"


class Stage(models.TextChoices):
    NONE = "", "无"
    ACCEPT = "accept", "受理"
    DISPATCH = "dispatch", "派遣"
    SIGN = "sign", "签收"
    REPLY = "reply", "办理答复"
    REVIEW = "review", "审核"
    RATE = "rate", "待评价"
    CALLBACK = "callback", "电话回访"


class Ticket(models.Model):
    tracking_code = models.CharField("查询码", max_length=12, unique=True)
    request_type = models.ForeignKey(
        "org.RequestType", on_delete=models.PROTECT, verbose_name="类型"
    )
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    category = models.ForeignKey(
        "org.Category", null=True, blank=True, on_delete=models.PROTECT, verbose_name="分类"
    )
    district = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="区县",
    )
    address = EncryptedTextField("地址", max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)

    is_anonymous = models.BooleanField("匿名", default=False)
    # Personal data: SM4-encrypted at rest; phone lookups go through the keyed blind index.
    submitter_name = EncryptedTextField("姓名", max_length=50, blank=True)
    submitter_phone = EncryptedTextField("手机号", max_length=20, blank=True)
    submitter_phone_index = BlindIndexField(source="submitter_phone")
    query_password_hash = models.CharField(max_length=128, blank=True)

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    resume_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tickets",
        verbose_name="主办单位",
    )
    version = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField("提交时间", db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField("办结期限", null=True, blank=True, db_index=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True, default="")
    stage_due_at = models.DateTimeField("环节期限", null=True, blank=True, db_index=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    # When the yellow warning is due, and how far the sweep has warned for this stage:
    # 0 none yet, 1 yellow (即将超期) sent, 2 red (已超期) sent. Reset at every new stage.
    stage_warn_at = models.DateTimeField(null=True, blank=True)
    warn_level = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # 并案: this request is handled as part of another; its citizen follows that one.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name="并入",
    )

    satisfaction = models.CharField(
        "满意度", max_length=12, choices=Satisfaction.choices, blank=True
    )
    rating_comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_by = models.CharField(max_length=10, blank=True)  # citizen | callback | timeout

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        indexes = [
            models.Index(fields=["status", "stage_due_at"]),
            models.Index(fields=["lead_unit", "status"]),
            models.Index(fields=["warn_level", "stage_warn_at"]),
            models.Index(fields=["warn_level", "stage_due_at"]),
            # Queues and search at a city's volume (docs/benchmarks.md, pages at 100,000).
            models.Index(fields=["status", "created_at"]),
            # 待归档 lists closed and rejected requests by closing time, oldest first.
            models.Index(
                fields=["closed_at", "id"],
                name="tickets_to_archive_idx",
                condition=models.Q(status__in=["closed", "rejected"]),
            ),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["district", "created_at"]),
            # "Overdue" over the running requests (search and its count): answered from this
            # index alone, where PostgreSQL read the table (100,000 requests: 47 -> 1.6 ms).
            # Status first, so a unit's overdue list (two states) reads only its states.
            models.Index(
                fields=["status", "stage_due_at", "due_at"],
                name="tickets_running_due_idx",
                condition=models.Q(status__in=RUNNING_STATUSES),
            ),
            # The dashboards' 在办 and 超期 now (analytics.figures.backlog_now), city-wide or a
            # unit's: an index-only count (100,000 requests, 31,000 open: 393 -> 21 ms).
            models.Index(
                fields=["status", "stage_due_at", "due_at", "lead_unit"],
                name="tickets_open_clock_idx",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            # 办结超期 city-wide: the running requests by time limit, not every request of the
            # history whose limit has passed (4 s at 1,000,000 requests walking `due_at`).
            models.Index(
                fields=["due_at", "id"],
                name="tickets_overall_due_idx",
                condition=models.Q(status__in=DUE_STATUSES),
            ),
            # The 风险预警 list: the unanswered requests in their order, read from this index
            # alone while each looks up its risk reading (workbench.queues.at_risk).
            models.Index(
                fields=["created_at", "id"],
                name="tickets_unanswered_idx",
                condition=models.Q(status__in=UNANSWERED_STATUSES),
            ),
            # The units' records count the requests closed on the days not yet rolled up
            # (supervision.tally): a day's closings, not every request.
            models.Index(fields=["closed_at"], name="tickets_closed_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.title}"

    @property
    def display_code(self) -> str:
        return display(self.tracking_code)


class Assignment(models.Model):
    """A unit's part in a request: the lead (主办) or a co-handler (协办).

    A co-handler's part has its own life and clock (`tickets.cohandling`): signed for, then an
    opinion (协办意见) for the lead, or returned with a reason for the centre to decide.
    The lead's row leaves these fields empty: the request itself carries the lead's stage.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "主办"
        CO = "co", "协办"

    class PartStatus(models.TextChoices):
        NONE = "", "—"
        PENDING = "pending", "待签收"
        SIGNED = "signed", "办理中"
        DONE = "done", "已提交意见"
        RETURNED = "returned", "已退回待决定"
        RELEASED = "released", "已撤销协办"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=4, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    status = models.CharField(
        "协办状态", max_length=10, choices=PartStatus.choices, blank=True, default=""
    )
    due_at = models.DateTimeField("协办期限", null=True, blank=True)
    # As on Ticket: when the yellow warning falls, and 0 none / 1 yellow / 2 red sent.
    warn_at = models.DateTimeField(null=True, blank=True)
    warn_level = models.PositiveSmallIntegerField(default=0)
    signed_at = models.DateTimeField(null=True, blank=True)
    opinion = models.TextField("协办意见", blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("退回理由", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "active"]),
            # The co-part sweep: open parts whose warning or deadline has come.
            models.Index(
                fields=["warn_level", "warn_at"],
                name="tickets_copart_warn_idx",
                condition=models.Q(role="co", active=True),
            ),
            models.Index(
                fields=["warn_level", "due_at"],
                name="tickets_copart_due_idx",
                condition=models.Q(role="co", active=True),
            ),
            # 协办退回待决定: the few returned parts, not every active part of the history (a
            # finished request's co-parts stay active).
            models.Index(
                fields=["ticket"],
                name="tickets_copart_returned_idx",
                condition=models.Q(role="co", active=True, status="returned"),
            ),
            # The units' records count the dispatches of the days not yet rolled up.
            models.Index(fields=["created_at"], name="tickets_assignment_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.unit} · {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        """Still owes the lead something: not yet signed, working, or awaiting a decision."""
        return self.active and self.status in OPEN_PART_STATUSES


OPEN_PART_STATUSES = [
    Assignment.PartStatus.PENDING,
    Assignment.PartStatus.SIGNED,
    Assignment.PartStatus.RETURNED,
]


class TimelineEvent(models.Model):
    """One step in a request's life: who, which unit, when, from which state to which.

    `note` is internal: only staff read it. `public_note` is text for the citizen (see
    `tickets.timeline`, which decides what the citizen reads of each step).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=50)
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField("内部记录", blank=True)
    public_note = models.TextField("告知诉求人", blank=True, default="", db_default="")
    # False keeps a step off the citizen's timeline even if its action has a public wording.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        # A unit's record counts its overdue events; the units' records over a period read
        # the ratings, returns and overdue events of that period (supervision.records).
        indexes = [
            models.Index(fields=["unit", "action"]),
            models.Index(fields=["action", "at"], name="tickets_event_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.action}"


class Reply(models.Model):
    """A unit's handling result, reviewed before the public reply reaches the citizen."""

    class Review(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        SENT_BACK = "sent_back", "退回重办"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    facts = models.TextField("调查核实情况")
    solved = models.BooleanField("是否解决")
    unsolved_reason = models.TextField("未解决原因", blank=True)
    public_reply = models.TextField("公开答复")
    created_at = models.DateTimeField()
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket} · 答复 {self.pk}"


class Photo(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="photos/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ticket} · 照片 {self.pk}"


class Extension(models.Model):
    """延期申请: asked by the handling unit, decided by the dispatch centre."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    days = models.PositiveSmallIntegerField()
    reason = models.TextField()
    created_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.ticket} · 延期 {self.pk}"
