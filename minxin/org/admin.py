from django.contrib import admin

from minxin.org.models import Category, DeadlineOverride, RequestType, Responsibility, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "deadline_days", "sign_days", "review_days", "callback_days",
                    "direct_answer")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "parent", "is_active")
    list_filter = ("parent",)
    search_fields = ("name", "keywords")


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ("category", "district", "unit")
    list_filter = ("district", "unit")


admin.site.register(DeadlineOverride)
admin.site.site_header = "民心 · 系统管理"
admin.site.site_title = "民心"
