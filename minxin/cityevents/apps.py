from django.apps import AppConfig


class CityEventsConfig(AppConfig):
    name = "minxin.cityevents"
    verbose_name = "城市运行事件接入"
