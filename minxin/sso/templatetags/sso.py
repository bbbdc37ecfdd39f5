"""{% sso_link "staff" next %}: the way in through the provincial identity provider, on the
login pages; nothing while single sign-on is not configured."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from minxin.sso.provider import configured

register = template.Library()


@register.simple_tag
def sso_link(audience: str, next_url: str = "") -> SafeString | str:
    if not configured():
        return ""
    url = reverse("sso:staff" if audience == "staff" else "sso:citizen")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return format_html('<p class="sso-link"><a href="{}">使用统一身份认证登录</a></p>', url)
