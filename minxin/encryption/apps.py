from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    """SM4 encryption of personal fields, SM3 blind indexes, keys and their rotation: a
    foundation other apps' models use, depending on no other Minxin app."""

    name = "minxin.encryption"
    verbose_name = "个人数据加密"

    def ready(self) -> None:
        from minxin.encryption import checks  # noqa: F401  registers the deploy checks
