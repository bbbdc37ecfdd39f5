from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from minxin.audit.admin import AuditedAdminMixin
from minxin.core.masking import mask_phone
from minxin.notify.models import EmailMessage, InboxMessage, MessageTemplate, SmsMessage
from minxin.notify.templates_default import DEFAULT_TEMPLATES

# Never shown in the admin: personal data (decrypted on read) and pending codes. A phone is
# revealed only through the logged reveal flow of a request (privacy.services).
HIDDEN_FIELDS = {"phone", "phone_index", "secret"}


class OutboxAdmin(admin.ModelAdmin):
    list_filter = ("status", "event")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        names = [f.name for f in self.model._meta.fields if f.name not in HIDDEN_FIELDS]
        return [*names, *self.extra_fields]

    extra_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)


@admin.register(SmsMessage)
class SmsMessageAdmin(OutboxAdmin):
    list_display = (
        "created_at",
        "masked_phone",
        "purpose",
        "event",
        "status",
        "attempts",
        "sent_at",
    )
    extra_fields = ("masked_phone",)

    @admin.display(description="手机号")
    def masked_phone(self, obj: SmsMessage) -> str:
        return mask_phone(obj.phone) if obj.phone else ""


@admin.register(EmailMessage)
class EmailMessageAdmin(OutboxAdmin):
    list_display = ("created_at", "to", "event", "status", "attempts", "sent_at")


@admin.register(InboxMessage)
class InboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "unit", "user", "event", "read_at")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("event", "text")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        event = request.GET.get("event", "")
        return {"event": event, "text": DEFAULT_TEMPLATES.get(event, "")}
