"""Supervision orders (督办单) and the oversight group's evaluations (第三方评议)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# An order still running: waiting for the unit's answer, or for the supervisor to close it.
LIVE_STATES = ["open", "responded"]


class SupervisionOrder(models.Model):
    class Reason(models.TextChoices):
        OVERDUE = "overdue", "超期"
        UNSATISFIED = "unsatisfied", "群众不满意"
        MANUAL = "manual", "人工督办"

    class State(models.TextChoices):
        OPEN = "open", "督办中"
        RESPONDED = "responded", "已回复"
        CLOSED = "closed", "已办结"

    class Level(models.IntegerChoices):
        HANDLER = 1, "承办人员"
        UNIT_HEAD = 2, "单位负责人"
        SUPERIOR = 3, "上级单位"

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "已整改"
        UNRESOLVED = "unresolved", "未整改"

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="supervision_orders"
    )
    # The unit that held the request; empty while none did (待受理, 待派遣, 审核): the
    # order then goes to the centre (受理中心), answered by its intake staff.
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    reason = models.CharField("督办原因", max_length=12, choices=Reason.choices)
    level = models.PositiveSmallIntegerField(
        "督办级别", choices=Level.choices, default=Level.HANDLER
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    note = models.TextField("督办意见", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    respond_by = models.DateTimeField("回复期限")
    escalate_at = models.DateTimeField(db_index=True)
    response = models.TextField("单位回复", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One live order per request, unit and reason: a sweep that runs twice opens one;
            # a late co-handling unit gets its own order beside the lead's (tickets.cohandling).
            models.UniqueConstraint(
                fields=["ticket", "unit", "reason"],
                condition=Q(state__in=LIVE_STATES),
                name="one_live_order_per_unit_reason",
            ),
            # An order to the centre has no unit (NULLs never clash): one live one per reason.
            models.UniqueConstraint(
                fields=["ticket", "reason"],
                condition=Q(state__in=LIVE_STATES, unit__isnull=True),
                name="one_live_centre_order_per_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "escalate_at"]),
            # The supervision list: live orders by respond-by, all by opening time.
            models.Index(fields=["state", "respond_by"]),
            models.Index(fields=["-opened_at", "-id"], name="supervision_opened_idx"),
            # The units' records count the orders closed on the days not yet rolled up.
            models.Index(fields=["closed_at"], name="supervision_closed_idx"),
        ]

    CENTRE = "市民诉求受理中心"

    def __str__(self) -> str:
        return f"督办单 {self.pk} · {self.ticket}"

    @property
    def addressee(self) -> str:
        """Whom the order is addressed to, for pages and the API."""
        return self.unit.name if self.unit else self.CENTRE


class DutyShift(models.Model):
    """Who is on duty when (值班表): the intake and supervision staff alerted at once, by
    inbox and SMS, when an emergency arrives. Edited in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name="值班人员",
        limit_choices_to={"role__in": ["intake", "supervisor"], "is_active": True},
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "值班安排"
        verbose_name_plural = "值班表"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"


class SupervisionEvent(models.Model):
    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=50)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.action}"


class OversightEvaluation(models.Model):
    """A member of the oversight group's structured evaluation of a shared case."""

    class Verdict(models.TextChoices):
        GOOD = "good", "好"
        FAIR = "fair", "一般"
        POOR = "poor", "差"

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="oversight_evaluations"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="oversight_evaluations",
    )
    timeliness = models.CharField("办理时效", max_length=5, choices=Verdict.choices)
    quality = models.CharField("答复质量", max_length=5, choices=Verdict.choices)
    attitude = models.CharField("服务态度", max_length=5, choices=Verdict.choices)
    comment = models.TextField("评议意见", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "第三方评议"
        verbose_name_plural = "第三方评议"
        constraints = [
            models.UniqueConstraint(fields=["ticket", "member"], name="one_evaluation_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.member}"


class UnitDay(models.Model):
    """One unit's record figures of one sealed day (`supervision.unitdays`): what
    `supervision.tally` counts for that day, so a long period reads a row a unit and day
    instead of every request, assignment and event in it. A row only where a figure is not 0."""

    day = models.DateField()
    unit_id = models.IntegerField()
    led = models.IntegerField(default=0)
    co = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    unsatisfied = models.IntegerField(default=0)
    not_rated = models.IntegerField(default=0)
    reopens = models.IntegerField(default=0)
    returns = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    orders_opened = models.IntegerField(default=0)
    orders_closed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "unit_id"], name="unit_day_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}"


class SealedDay(models.Model):
    """A day whose `UnitDay` rows are written and final: every step dated that day committed
    long ago, and no later step changes a figure of a past day (`supervision.unitdays`)."""

    day = models.DateField(primary_key=True)
    sealed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.day)
