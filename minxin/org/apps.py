from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "minxin.org"
    verbose_name = "组织与分类"
