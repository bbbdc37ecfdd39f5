from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "minxin.identity"
    verbose_name = "实名认证"
