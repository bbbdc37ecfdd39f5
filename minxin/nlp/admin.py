"""The classifier's versions in the admin: read-only, with activate and roll back."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from minxin.nlp.models import ModelVersion
from minxin.nlp.registry import model_version_activate, model_version_rollback
from minxin.nlp.storage import ModelVersionError


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "version",
        "is_active",
        "accuracy",
        "macro_f1",
        "n_train",
        "created_at",
        "activated_at",
    )
    list_filter = ("name", "is_active")
    readonly_fields = (
        "name",
        "version",
        "created_at",
        "created_by",
        "metrics",
        "config",
        "labels",
        "n_train",
        "train_seconds",
        "path",
        "sha256",
        "size",
        "is_active",
        "activated_at",
        "previous",
    )
    fields = readonly_fields + ("notes",)
    actions = ("activate", "rollback")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Versions come from training, not forms.
        return False

    @admin.display(description="准确率")
    def accuracy(self, obj: ModelVersion) -> Any:
        return (obj.metrics or {}).get("accuracy")

    @admin.display(description="Macro-F1")
    def macro_f1(self, obj: ModelVersion) -> Any:
        return (obj.metrics or {}).get("macro_f1")

    @admin.action(description="启用所选版本")
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个版本。", messages.ERROR)
            return
        try:
            version = model_version_activate(version=queryset.get())
        except ModelVersionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"已启用 {version}。")

    @admin.action(description="回滚到此前启用的版本")
    def rollback(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        for name in sorted(set(queryset.values_list("name", flat=True))):
            try:
                version = model_version_rollback(name=name)
            except ModelVersionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, f"已回滚到 {version}。")
