from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minxin.accounts"
    verbose_name = "人员与角色"

    def ready(self) -> None:
        from minxin.accounts import checks  # noqa: F401  registers the Redis policy check
