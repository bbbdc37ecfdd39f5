from django.apps import AppConfig


class PublicInfoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minxin.publicinfo"
    verbose_name = "公共服务"
