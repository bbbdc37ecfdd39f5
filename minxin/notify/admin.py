from django.contrib import admin

from minxin.notify.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "phone", "purpose", "status", "attempts")
    list_filter = ("status", "purpose")
    readonly_fields = [f.name for f in SmsMessage._meta.fields]
