from __future__ import annotations

from django.contrib import admin

from minxin.cityevents.models import CityEvent, Client, EventType


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "revoked", "created_at", "last_used_at"]
    # New clients come from `minxin cityevents-client create NAME`, which shows the secret once.
    fields = ["name", "key", "revoked", "created_at", "last_used_at"]
    readonly_fields = ["name", "key", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "request_type", "category", "active"]
    list_filter = ["active"]


@admin.register(CityEvent)
class CityEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "client", "event_type", "how", "ticket", "received_at"]
    list_filter = ["how", "client"]
    search_fields = ["event_id"]
    readonly_fields = [f.name for f in CityEvent._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
