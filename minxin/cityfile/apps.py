from django.apps import AppConfig


class CityfileConfig(AppConfig):
    name = "minxin.cityfile"
    verbose_name = "城市设置表格"
