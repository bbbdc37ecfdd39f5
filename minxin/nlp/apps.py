from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "minxin.nlp"
    verbose_name = "智能分类"
    default_auto_field = "django.db.models.BigAutoField"
