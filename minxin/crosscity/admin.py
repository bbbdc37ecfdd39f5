from django.contrib import admin
from django.http import HttpRequest

from minxin.crosscity.models import JointSupervision, Message, Peer, Received, Transfer


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "base_url", "is_active"]


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["uid", "direction", "peer", "ticket", "remote_code", "created_at"]
    list_filter = ["direction", "peer"]
    readonly_fields = [f.name for f in Transfer._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox: what is waiting, what went, what a peer refused and why."""

    list_display = ["kind", "peer", "created_at", "attempts", "delivered_at", "failed_at"]
    list_filter = ["kind", "peer", ("delivered_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Received)
class ReceivedAdmin(admin.ModelAdmin):
    list_display = ["kind", "peer", "message_id", "received_at"]
    readonly_fields = [f.name for f in Received._meta.fields]


@admin.register(JointSupervision)
class JointSupervisionAdmin(admin.ModelAdmin):
    list_display = ["transfer", "asked_here", "asked_by", "order", "at"]
    readonly_fields = [f.name for f in JointSupervision._meta.fields]
