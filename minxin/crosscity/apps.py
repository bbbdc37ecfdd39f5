from django.apps import AppConfig


class CrosscityConfig(AppConfig):
    name = "minxin.crosscity"
    verbose_name = "跨市转办与联合督办"

    def ready(self) -> None:
        # The receiving city reports each step of a transferred request back to its origin.
        from minxin.crosscity import progress

        progress.connect()
