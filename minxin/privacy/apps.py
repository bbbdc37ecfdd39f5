from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "minxin.privacy"
    verbose_name = "个人信息保护"
