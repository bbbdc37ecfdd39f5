from django.apps import AppConfig


class VideoConfig(AppConfig):
    name = "minxin.video"
    verbose_name = "视频接访"
    default_auto_field = "django.db.models.BigAutoField"
