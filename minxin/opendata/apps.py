from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "minxin.opendata"
    verbose_name = "开放数据"
