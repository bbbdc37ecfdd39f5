from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "minxin.webhooks"
    verbose_name = "事件推送（Webhook）"
