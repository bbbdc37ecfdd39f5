from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "minxin.routing"
    verbose_name = "智能派遣"

    def ready(self) -> None:
        # What routing does at a request's steps (core.hooks).
        from minxin.risk import hooks as risk_hooks
        from minxin.routing import autodispatch, feedback
        from minxin.tickets import hooks

        # Automatic dispatch waits for the request's risk to be known.
        risk_hooks.analysed.register(autodispatch.auto_dispatch_schedule)
        hooks.dispatcher_chose.register(feedback.feedback_record)
