from django.apps import AppConfig


class WechatConfig(AppConfig):
    name = "minxin.wechat"
    verbose_name = "微信公众号"
