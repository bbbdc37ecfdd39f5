from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "minxin.supervision"
    verbose_name = "督办与监督"
