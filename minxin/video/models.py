"""视频接访: a video session on a complex request, with the units the centre invites to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class VideoSession(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "待安排"
        SCHEDULED = "scheduled", "已安排"
        HELD = "held", "已举行"
        CANCELLED = "cancelled", "已取消"

    FINISHED = (Status.HELD, Status.CANCELLED)  # a new session may be asked for after these

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="video_sessions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField("申请理由", max_length=500)
    requested_at = models.DateTimeField()
    starts_at = models.DateTimeField("开始时间", null=True, blank=True, db_index=True)
    minutes_long = models.PositiveIntegerField("时长（分钟）", default=60)
    # The room's secret part; the link is the provider's template filled with it.
    token = models.CharField(max_length=32, blank=True)
    link = models.CharField(max_length=300, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the worker claims the reminder, so two workers never send it twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    citizen_attended = models.BooleanField(null=True)
    minutes = models.TextField("会议纪要", max_length=10000, blank=True)
    held_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "视频接访"
        verbose_name_plural = "视频接访"
        constraints = [
            # One open session per request: a second ask waits for the first to be held
            # (or cancelled).
            models.UniqueConstraint(
                fields=["ticket"],
                condition=~models.Q(status__in=["held", "cancelled"]),
                name="uniq_open_video_session",
            )
        ]

    def __str__(self) -> str:
        return f"视频接访 {self.pk}"

    @property
    def all_confirmed(self) -> bool:
        invites = list(self.invites.all())
        return bool(invites) and all(i.confirmed_at for i in invites)


class VideoInvite(models.Model):
    session = models.ForeignKey(VideoSession, on_delete=models.CASCADE, related_name="invites")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="uniq_video_invite")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.unit_id}"
