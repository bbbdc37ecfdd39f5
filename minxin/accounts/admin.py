from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from minxin.accounts.models import User
from minxin.audit.admin import AuditedAdminMixin


@admin.register(User)
class StaffAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "display_name", "role", "unit", "is_active")
    list_filter = ("role", "unit", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("民心", {"fields": ("display_name", "role", "unit", "mobile")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("民心", {"fields": ("display_name", "role", "unit")}),
    )
