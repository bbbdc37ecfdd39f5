from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "minxin.audit"
    verbose_name = "存证"
