from __future__ import annotations

from django import template

from minxin.accounts.models import User
from minxin.analytics.access import may_read_dashboard

register = template.Library()


@register.filter
def reads_dashboard(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_read_dashboard(user)
