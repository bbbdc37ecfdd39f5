from django.contrib import admin

from minxin.audit.admin import ReadOnlyAdmin
from minxin.privacy.models import RevealLog


@admin.register(RevealLog)
class RevealLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "role", "ticket", "reason")
    list_filter = ("role",)
