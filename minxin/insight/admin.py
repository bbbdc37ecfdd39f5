from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from minxin.audit.admin import AuditedAdminMixin
from minxin.insight.models import DistrictShape, InsightAlert, TopicSnapshot, WarningSettings


@admin.register(WarningSettings)
class WarningSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The early-warning thresholds the hourly check reads (docs/analytics.md)."""

    list_display = (
        "__str__",
        "trend_min_size",
        "trend_min_growth",
        "group_min_size",
        "group_hours",
        "group_similarity",
        "address_similarity",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not WarningSettings.objects.exists()


@admin.register(InsightAlert)
class InsightAlertAdmin(admin.ModelAdmin):
    list_display = ("raised_at", "kind", "summary", "district")
    list_filter = ("kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(TopicSnapshot)
class TopicSnapshotAdmin(admin.ModelAdmin):
    list_display = ("computed_at", "first", "last", "n_requests")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(DistrictShape)
class DistrictShapeAdmin(admin.ModelAdmin):
    """Loaded by `minxin city-geojson FILE`; not edited by hand."""

    list_display = ("name", "adcode", "loaded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
