from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "minxin.workbench"
    verbose_name = "工作台"
