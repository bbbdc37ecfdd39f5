from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "minxin.api"
    verbose_name = "数据接口"
