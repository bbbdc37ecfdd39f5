from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "minxin.tickets"
    verbose_name = "诉求工单"
