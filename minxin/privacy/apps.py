from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "minxin.privacy"
    verbose_name = "个人信息保护"

    def ready(self) -> None:
        from minxin.privacy import checks  # noqa: F401  registers the deploy checks
