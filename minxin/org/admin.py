from django.contrib import admin

from minxin.audit.admin import AuditedAdminMixin
from minxin.org.models import Category, DeadlineOverride, RequestType, Responsibility, Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active", "reply_approval")
    list_filter = ("kind", "is_active", "reply_approval")
    search_fields = ("name", "code")


@admin.register(RequestType)
class RequestTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "accept_hours",
        "dispatch_hours",
        "deadline_days",
        "sign_days",
        "review_days",
        "callback_days",
        "co_days",
        "direct_answer",
    )


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "parent", "is_active")
    list_filter = ("parent",)
    search_fields = ("name", "keywords")


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("category", "district", "unit")
    list_filter = ("district", "unit")


@admin.register(DeadlineOverride)
class DeadlineOverrideAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "request_type",
        "category",
        "accept_hours",
        "dispatch_hours",
        "deadline_days",
        "sign_hours",
        "sign_days",
        "review_days",
        "callback_days",
        "co_days",
    )


admin.site.site_header = "民心 · 系统管理"
admin.site.site_title = "民心"
