from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from minxin.core.errors import ValidationFailed
from minxin.webhooks import delivery
from minxin.webhooks.events import EVENT_TYPE_CHOICES
from minxin.webhooks.models import Delivery, Subscription
from minxin.webhooks.services import check_event_types, current_cursor, new_secret


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label="事件类型", choices=EVENT_TYPE_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "algorithm", "event_types", "active"]

    def clean_event_types(self) -> list[str]:
        try:
            return check_event_types(self.cleaned_data["event_types"])
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "url", "algorithm", "active", "created_at"]
    actions = ["new_secret"]

    def save_model(
        self, request: HttpRequest, obj: Subscription, form: forms.Form, change: bool
    ) -> None:
        if not change:
            obj.secret, obj.cursor = new_secret(), current_cursor()
        super().save_model(request, obj, form, change)
        if not change:
            messages.warning(request, f"签名密钥（只显示这一次）：{obj.secret}")

    @admin.action(description="更换签名密钥")
    def new_secret(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            subscription.secret = new_secret()
            subscription.save(update_fields=["secret"])
            messages.warning(
                request, f"{subscription.name} 的新密钥（只显示这一次）：{subscription.secret}"
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "delivery_id",
        "subscription",
        "event_type",
        "status",
        "attempts",
        "response_status",
        "created_at",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "event_type", "subscription"]
    search_fields = ["delivery_id"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="重新发送失败的推送")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = delivery.retry(list(queryset.values_list("pk", flat=True)))
        messages.info(request, f"已重新排队 {count} 条")
