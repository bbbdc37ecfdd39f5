from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "minxin.audit"
    verbose_name = "存证"

    def ready(self) -> None:
        from minxin.audit import checks  # noqa: F401  registers the deploy check
