from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "minxin.analytics"
    verbose_name = "统计分析"
