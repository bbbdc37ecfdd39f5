from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "minxin.risk"
    verbose_name = "情绪与风险预警"

    def ready(self) -> None:
        # What the tickets app asks of a request's risk (core.hooks).
        from minxin.risk import ranking, services
        from minxin.tickets import hooks

        hooks.submitted.register(services.analysis_queue)
        hooks.is_emergency.register(ranking.is_emergency)
        hooks.risk_levels.register(ranking.levels)
        hooks.with_risk.register(ranking.with_risk)
        hooks.at_risk_level.register(ranking.at_level)
