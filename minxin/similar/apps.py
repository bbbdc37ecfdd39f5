from django.apps import AppConfig


class SimilarConfig(AppConfig):
    name = "minxin.similar"
    verbose_name = "相似案例与重复诉求"
