"""The duty roster (值班表): who is alerted at once when an emergency arrives."""

from __future__ import annotations

import datetime as dt
import logging

from minxin.accounts.models import Role, User
from minxin.supervision.models import DutyShift

logger = logging.getLogger(__name__)
DUTY_ROLES = (Role.INTAKE, Role.SUPERVISOR)


def on_duty(now: dt.datetime) -> tuple[list[User], bool]:
    """The active intake and supervision staff whose shift covers `now`; when nobody's does,
    every active intake and supervision member, and True to say so (logged: the roster has
    a gap someone should fill)."""
    users = list(
        User.objects.filter(
            pk__in=DutyShift.objects.filter(starts_at__lte=now, ends_at__gt=now).values("user_id"),
            role__in=DUTY_ROLES,
            is_active=True,
        ).order_by("pk")
    )
    if users:
        return users, False
    logger.warning("nobody on duty at %s: alerting every intake and supervision member", now)
    return list(User.objects.filter(role__in=DUTY_ROLES, is_active=True).order_by("pk")), True
