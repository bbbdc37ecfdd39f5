from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from minxin.audit.admin import AuditedAdminMixin
from minxin.sla.calendar import missing_years
from minxin.sla.models import CalendarFallback, Holiday, HolidayYear


@admin.register(Holiday)
class HolidayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        for year in missing_years():
            if not HolidayYear.objects.filter(year=year, complete=True).exists():
                messages.warning(
                    request,
                    f"{year}年放假安排缺失：该年时限正按周一至周五计算。"
                    "请录入该年节假日与调休，并在“年度放假安排”中标记已录入。",
                )
        return super().changelist_view(request, extra_context)


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "complete", "note")


@admin.register(CalendarFallback)
class CalendarFallbackAdmin(admin.ModelAdmin):
    list_display = ("__str__", "first_seen")
