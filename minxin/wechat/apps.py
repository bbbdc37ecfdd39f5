from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "minxin.wechat"
    verbose_name = "微信公众号"

    def ready(self) -> None:
        from minxin.privacy import hooks
        from minxin.wechat.personal import wechat_conversations_purge

        hooks.conversations_purge.register(wechat_conversations_purge)
