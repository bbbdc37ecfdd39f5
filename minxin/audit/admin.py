"""Read-only admin pages for the trail, and the mixin that puts admin changes on the chain."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from minxin.audit.models import ChainEntry, Checkpoint
from minxin.audit.services import chain_append


def _admin_append(request: HttpRequest, action: str, obj: Model, message: Any = "") -> None:
    # Field names only (Django's change message), never the values: they may be personal.
    changed = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
    chain_append(
        kind="admin",
        ref=f"admin:{obj._meta.label_lower}:{obj.pk}",
        payload={
            "action": action,
            "model": obj._meta.label_lower,
            "object": obj.pk,
            "user": request.user.pk,
            "change": changed,
        },
    )


class AuditedAdminMixin:
    """Put on a ModelAdmin so every add, change and delete made in the admin is appended to
    the audit chain (administrative changes, 区块链存证)."""

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        _admin_append(request, "add", obj, message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        _admin_append(request, "change", obj, message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request: HttpRequest, queryset: QuerySet) -> Any:
        for obj in queryset:
            _admin_append(request, "delete", obj)
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ChainEntry)
class ChainEntryAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "ref", "at", "hash")
    list_filter = ("kind",)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "hash")
