from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minxin.audit.admin import AuditedAdminMixin
from minxin.risk.models import EmergencyLine, MissedAnalysis, RiskTerm, TicketInsight


@admin.register(RiskTerm)
class RiskTermAdmin(admin.ModelAdmin):
    """The lexicon the risk rules read; edits take effect within a minute (TERMS_TTL)."""

    list_display = ("term", "kind", "category", "weight", "active", "updated_at")
    list_editable = ("weight", "active")
    list_filter = ("kind", "category", "active")
    search_fields = ("term",)


@admin.register(TicketInsight)
class TicketInsightAdmin(admin.ModelAdmin):
    list_display = ("ticket", "risk_level", "anger", "urgency", "danger", "computed_at")
    list_filter = ("risk_level",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # computed at submission; the lexicon is what staff tune


@admin.register(MissedAnalysis)
class MissedAnalysisAdmin(admin.ModelAdmin):
    """Requests whose analysis failed as they arrived; the worker retries them every minute.
    A row that stays and counts up means the analysis keeps failing: the error says why."""

    list_display = ("ticket", "attempts", "failed_at", "error")
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmergencyLine)
class EmergencyLineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The numbers citizens are shown when their text suggests danger (submission page and
    confirmation). Put the city's own gas, water and power lines here."""

    list_display = ("name", "number", "note", "sort", "active")
    list_editable = ("number", "sort", "active")
