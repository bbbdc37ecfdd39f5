from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "minxin.demo"
    verbose_name = "演示数据"
