from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "minxin.insight"
    verbose_name = "民生热点与预测"

    def ready(self) -> None:
        from minxin.insight.panels import register_panels

        register_panels()
