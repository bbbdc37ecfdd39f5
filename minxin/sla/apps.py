from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SlaConfig(AppConfig):
    name = "minxin.sla"
    verbose_name = "工作日与时限"

    def ready(self) -> None:
        # Cache invalidation only: any edit of the holiday table makes every process reload.
        from minxin.sla.models import Holiday, HolidayYear

        for model in (Holiday, HolidayYear):
            post_save.connect(_changed, sender=model, dispatch_uid=f"holidays-{model.__name__}")
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"holidays-del-{model.__name__}"
            )


def _changed(**kwargs: object) -> None:
    from minxin.sla.calendar import holidays_changed

    holidays_changed()
