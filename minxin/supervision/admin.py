from django.contrib import admin

from minxin.audit.admin import AuditedAdminMixin
from minxin.supervision.models import DutyShift


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The duty roster: emergencies alert the intake and supervision staff on duty (by inbox
    and SMS to their 工作手机); with nobody on duty, all of them."""

    list_display = ("user", "starts_at", "ends_at", "note")
    list_filter = ("user",)
    date_hierarchy = "starts_at"
