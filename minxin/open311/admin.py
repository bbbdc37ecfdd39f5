import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from minxin.audit.admin import AuditedAdminMixin, ReadOnlyAdmin
from minxin.core.masking import mask_name, mask_phone
from minxin.open311.keys import client_revoke
from minxin.open311.models import Client, FiledRequest


@admin.register(Client)
class ClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Keys are made by `minxin open311-key create NAME` (the key is shown once, there);
    here they are listed and revoked. A revoked key is refused with 403 at once."""

    list_display = ("name", "created_at", "revoked", "revoked_at")
    list_filter = ("revoked",)
    readonly_fields = ("name", "created_at", "revoked", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # its requests keep pointing at it; revoke instead

    @admin.action(description="吊销所选客户端的 api_key")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Client]) -> None:
        for client in queryset:
            client_revoke(client_id=client.pk)
            self.log_change(request, client, "吊销 api_key")
        self.message_user(request, f"已吊销 {queryset.count()} 个客户端", messages.SUCCESS)


@admin.register(FiledRequest)
class FiledRequestAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "client", "created_at", "media_url")
    list_filter = ("client",)
    list_select_related = ("ticket", "client")
    fields = ("ticket", "client", "created_at", "media_url", "contact")
    readonly_fields = fields

    @admin.display(description="提交的联系方式（已遮蔽）")
    def contact(self, obj: FiledRequest) -> str:
        """Masked, as every contact in the admin: the full value only through a reveal."""
        try:
            sent = json.loads(obj.payload or "{}")
        except ValueError:
            return ""
        shown = []
        for name, value in sorted(sent.items()):
            if name == "attributes" or not isinstance(value, str):
                continue
            if name == "phone":
                value = mask_phone(value)
            elif name == "email":
                local, _, domain = value.partition("@")
                value = f"{local[:1]}***@{domain}"
            elif name in ("first_name", "last_name"):
                value = mask_name(value)
            else:
                value = "***"
            shown.append(f"{name}: {value}")
        return "；".join(shown)
