"""Admin views: the contact-reveal log is read-only evidence; a lost TOTP device is reset
by deleting its row (the secret itself is never shown here)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from minxin.workbench.models import ContactReveal, StaffTotp


@admin.register(ContactReveal)
class ContactRevealAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "ticket", "reason")
    list_select_related = ("user", "ticket")
    list_filter = ("user",)
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "ticket", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StaffTotp)
class StaffTotpAdmin(admin.ModelAdmin):
    list_display = ("user", "confirmed", "created_at", "confirmed_at")
    list_filter = ("confirmed",)
    fields = ("user", "confirmed", "created_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
