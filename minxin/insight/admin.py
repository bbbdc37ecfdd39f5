from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from minxin.audit.admin import AuditedAdminMixin
from minxin.insight.models import (
    DistrictShape,
    InsightAlert,
    Ranking,
    RankingWeights,
    TopicSnapshot,
    WarningSettings,
)


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


@admin.register(RankingWeights)
class RankingWeightsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The 红黑榜's score: weights of its parts, the least closed requests to be ranked, the
    sizes of the lists. A month already published keeps the rules it was computed with."""

    list_display = (
        "__str__",
        "on_time",
        "satisfaction",
        "reopen",
        "returns",
        "supervision",
        "oversight",
        "min_closed",
        "red_count",
        "black_count",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RankingWeights.objects.exists()


@admin.register(Ranking)
class RankingAdmin(admin.ModelAdmin):
    """Computed and published on the workbench's 红黑榜 page; never edited here."""

    list_display = ("month", "status", "computed_at", "published_at", "published_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
