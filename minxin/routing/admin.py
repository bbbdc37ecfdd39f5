from django.contrib import admin

from .feedback import acceptance_rates
from .models import SuggestionFeedback


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    list_display = ("ticket", "chosen_category", "accepted_category", "chosen_unit",
                    "accepted_unit", "model_version", "user", "at")
    list_filter = ("accepted_category", "accepted_unit", "model_version")
    list_select_related = ("ticket", "chosen_category__parent", "chosen_unit", "model_version",
                           "user")
    readonly_fields = [f.name for f in SuggestionFeedback._meta.fields]

    def has_add_permission(self, request):  # written by the workflow, never by hand
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        overall = acceptance_rates()["overall"]
        title = (f"智能建议反馈（分类建议采纳率 {_percent(overall['category_acceptance'])}，"
                 f"{overall['n_category']} 件；单位建议采纳率 {_percent(overall['unit_acceptance'])}，"
                 f"{overall['n_unit']} 件）")
        return super().changelist_view(request, {**(extra_context or {}), "title": title})
