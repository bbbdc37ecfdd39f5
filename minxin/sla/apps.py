from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "minxin.sla"
    verbose_name = "工作日与时限"
