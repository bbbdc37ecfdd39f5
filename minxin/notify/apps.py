from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "minxin.notify"
    verbose_name = "消息通知"
