from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minxin.accounts"
    verbose_name = "人员与角色"
