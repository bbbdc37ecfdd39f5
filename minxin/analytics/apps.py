from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "minxin.analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        # Every timeline step marks the days whose figures it may change (core.hooks).
        from minxin.analytics import marks
        from minxin.tickets import hooks

        hooks.step_recorded.register(marks.touch)
        hooks.steps_recorded.register(marks.touch_many)
