from django.contrib import admin

from minxin.sso.models import StaffIdentity


@admin.register(StaffIdentity)
class StaffIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "subject", "issuer", "created_at"]
    search_fields = ["user__username", "subject"]
    autocomplete_fields = ["user"]
