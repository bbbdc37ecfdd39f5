from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "minxin.sso"
    verbose_name = "统一身份认证"
