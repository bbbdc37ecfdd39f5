from django.contrib import admin

from minxin.audit.admin import AuditedAdminMixin
from minxin.notify.models import EmailMessage, InboxMessage, MessageTemplate, SmsMessage
from minxin.notify.templates_default import DEFAULT_TEMPLATES


class OutboxAdmin(admin.ModelAdmin):
    list_filter = ("status", "event")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]


@admin.register(SmsMessage)
class SmsMessageAdmin(OutboxAdmin):
    list_display = ("created_at", "purpose", "event", "status", "attempts", "sent_at")


@admin.register(EmailMessage)
class EmailMessageAdmin(OutboxAdmin):
    list_display = ("created_at", "to", "event", "status", "attempts", "sent_at")


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "unit", "user", "event", "read_at")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("event", "text")

    def get_changeform_initial_data(self, request):  # type: ignore[no-untyped-def]
        event = request.GET.get("event", "")
        return {"event": event, "text": DEFAULT_TEMPLATES.get(event, "")}
