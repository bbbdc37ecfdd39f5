"""The workbench menu's entry for 视频接访."""

from __future__ import annotations

from django import template

from minxin.accounts.models import CENTRE_ROLES, UNIT_ROLES, User

register = template.Library()


@register.simple_tag
def video_menu(user: User) -> bool:
    """The centre schedules sessions; units confirm the ones they are invited to."""
    return user.is_active and (
        user.role in CENTRE_ROLES or (user.role in UNIT_ROLES and user.unit_id is not None)
    )
