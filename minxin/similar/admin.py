from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minxin.similar.models import DuplicateFlag, PublicCase


@admin.register(PublicCase)
class PublicCaseAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "external_id", "date", "reply_date")
    list_filter = ("source",)
    search_fields = ("title", "external_id")


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(admin.ModelAdmin):
    list_display = ("ticket", "similar_to", "kind", "score", "resolved", "created_at")
    list_filter = ("kind", "resolved")
    list_select_related = ("ticket", "similar_to")
    raw_id_fields = ("ticket", "similar_to")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # merged or dismissed through the services, which keep the timeline
