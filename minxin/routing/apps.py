from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "minxin.routing"
    verbose_name = "智能派遣"
