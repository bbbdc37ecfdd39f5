from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "minxin.supervision"
    verbose_name = "督办与监督"

    def ready(self) -> None:
        # What supervision does at a request's steps and a risk found (core.hooks).
        from minxin.risk import hooks as risk_hooks
        from minxin.supervision import emergency, services
        from minxin.tickets import hooks

        hooks.rated_unsatisfied.register(services.order_unsatisfied)
        hooks.closed_by_rating.register(services.orders_follow)
        risk_hooks.critical_found.register(emergency.emergency_raise)
