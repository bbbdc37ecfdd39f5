from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "minxin.portal"
    verbose_name = "公众门户"
