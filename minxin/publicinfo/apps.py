from django.apps import AppConfig


class PublicInfoConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "minxin.publicinfo"
    verbose_name = "公共服务"

    def ready(self) -> None:
        # 智能预判 shows other platforms' replies to anyone typing: through these rules first.
        from minxin.publicinfo.redact import redact
        from minxin.similar import hooks

        hooks.redacted.register(redact)
