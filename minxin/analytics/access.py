"""Who may read the dashboard, and whose figures: the city's for leaders, supervisors and
administrators; a unit head their unit and the units below it. Others are refused."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from minxin.accounts.models import Role, User
from minxin.analytics.figures import Scope
from minxin.core.errors import PermissionDenied
from minxin.org.models import Unit

CITY_READERS = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})


def may_read_dashboard(user: User) -> bool:
    return user.is_active and (
        user.role in CITY_READERS or (user.role == Role.UNIT_HEAD and user.unit_id is not None)
    )


def dashboard_scope(user: User) -> Scope:
    if not may_read_dashboard(user):
        raise PermissionDenied("您的角色不能查看统计分析", code="dashboard_forbidden")
    if user.role in CITY_READERS:
        return Scope()
    path = user.unit.path if user.unit else "/none/"
    units = Unit.objects.filter(path__startswith=path).values_list("pk", flat=True)
    return Scope(unit_ids=frozenset(units))


def reader(request: HttpRequest) -> User:
    """The staff member behind a page that `login_required` guards."""
    return cast(User, request.user)


def scope_label(user: User) -> str:
    return "全市" if user.role in CITY_READERS or user.unit is None else user.unit.name
