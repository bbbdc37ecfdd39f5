from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from minxin.audit.admin import AuditedAdminMixin

from .feedback import acceptance_rates
from .models import AutoDispatchSetting, LabelMapping, SuggestionFeedback
from .recommend import load_base


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    list_display = (
        "ticket",
        "chosen_category",
        "accepted_category",
        "chosen_unit",
        "accepted_unit",
        "model_version",
        "user",
        "at",
    )
    list_filter = ("accepted_category", "accepted_unit", "model_version")
    list_select_related = (
        "ticket",
        "chosen_category__parent",
        "chosen_unit",
        "model_version",
        "user",
    )
    readonly_fields = [f.name for f in SuggestionFeedback._meta.fields]

    def has_add_permission(self, request):  # written by the workflow, never by hand
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        overall = acceptance_rates()["overall"]
        title = (
            f"智能建议反馈（分类建议采纳率 {_percent(overall['category_acceptance'])}，"
            f"{overall['n_category']} 件；单位建议采纳率 {_percent(overall['unit_acceptance'])}，"
            f"{overall['n_unit']} 件）"
        )
        return super().changelist_view(request, {**(extra_context or {}), "title": title})


@admin.register(AutoDispatchSetting)
class AutoDispatchSettingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """One row: the switch and its threshold. Read-only while the environment pins it."""

    list_display = ("__str__", "updated_at")
    fields = ("enabled", "threshold", "updated_at")
    readonly_fields = ("updated_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AutoDispatchSetting.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        pinned = settings.AUTO_DISPATCH_THRESHOLD is not None
        return not pinned and super().has_change_permission(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        extra = dict(extra_context or {})
        if settings.AUTO_DISPATCH_THRESHOLD is not None:
            extra["subtitle"] = (
                f"由部署环境变量 MINXIN_AUTO_DISPATCH_THRESHOLD 固定为启用，阈值"
                f"{settings.AUTO_DISPATCH_THRESHOLD:.2f}；此处设置不生效"
            )
        else:
            rate = acceptance_rates()["overall"]["unit_acceptance"]
            extra["subtitle"] = f"受理员采纳首选单位建议的比例：{_percent(rate)}"
        return super().changeform_view(request, object_id, form_url, extra)


@admin.register(LabelMapping)
class LabelMappingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Which of the city's categories each classifier label means; the list's title says
    what every label of the model in use means now (by a row here, or by name)."""

    list_display = ("label", "category", "model_name")
    list_filter = ("model_name",)
    list_select_related = ("category__parent",)
    search_fields = ("label", "category__name")
    autocomplete_fields = ("category",)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        extra = {**(extra_context or {}), "subtitle": label_summary()}
        return super().changelist_view(request, extra)


def label_summary() -> str:
    """ "当前模型标签：环境保护→生态环境；商贸旅游→商贸旅游；……" for the model in use."""
    from minxin.nlp.prediction import get_active_model

    model = get_active_model()
    if model is None:
        return "当前没有可用的分类模型"
    known = load_base()
    parts = []
    for label in model.classes:
        category = known.category_for(label)
        parts.append(f"{label}→{category if category is not None else '（未对应，不作建议）'}")
    return "当前模型标签：" + "；".join(parts)
