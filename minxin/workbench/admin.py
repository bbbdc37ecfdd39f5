"""Admin views: a lost TOTP device is reset by deleting its row (the secret itself is never
shown here). Contact reveals are logged by the privacy app."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from minxin.workbench.models import StaffTotp


@admin.register(StaffTotp)
class StaffTotpAdmin(admin.ModelAdmin):
    list_display = ("user", "confirmed", "created_at", "confirmed_at")
    list_filter = ("confirmed",)
    fields = ("user", "confirmed", "created_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
