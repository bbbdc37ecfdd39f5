from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "minxin.risk"
    verbose_name = "情绪与风险预警"
