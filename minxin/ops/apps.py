from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "minxin.ops"
    verbose_name = "运行"

    def ready(self) -> None:
        from minxin.ops import signals

        signals.connect()
