"""Reads for supervision: orders in scope, a unit's inbox, and a unit's record."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from minxin.accounts.models import Role, User
from minxin.notify.models import InboxMessage
from minxin.org.models import Unit
from minxin.supervision import records
from minxin.supervision.models import OversightEvaluation, SupervisionOrder
from minxin.supervision.records import Period


def orders_visible_to(user: User) -> QuerySet[SupervisionOrder]:
    orders = SupervisionOrder.objects.select_related("ticket", "unit")
    if user.is_citywide:
        return orders
    if user.role in (Role.HANDLER, Role.UNIT_HEAD) and user.unit is not None:
        return orders.filter(unit__path__startswith=user.unit.path)
    return orders.none()


def inbox_for(user: User) -> QuerySet[InboxMessage]:
    """Messages to the user, to their unit and the units below it; the centre's messages
    (no unit) go to the citywide roles."""
    mine = Q(user=user)
    if not user.is_citywide and user.unit is not None:
        mine |= Q(unit__path__startswith=user.unit.path)
    elif user.is_citywide:
        mine |= Q(unit=None, user=None)
    return InboxMessage.objects.filter(mine).select_related("ticket")


def unit_record(unit: Unit, period: Period) -> dict:
    """What counts in a unit's assessment over PERIOD (`records` defines each figure), with
    its supervision orders by reason and outcome and the oversight group's evaluations."""
    orders = SupervisionOrder.objects.filter(
        unit=unit, opened_at__gte=period.start, opened_at__lt=period.end
    )
    evaluations = OversightEvaluation.objects.filter(
        unit=unit, created_at__gte=period.start, created_at__lt=period.end
    )
    return {
        "unit": unit.name,
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        **records.as_dict(records.figures_for(period, unit.pk)),
        "supervision": {
            "by_reason": dict(orders.values_list("reason").annotate(n=Count("id")).order_by()),
            "by_outcome": dict(
                orders.exclude(outcome="").values_list("outcome").annotate(n=Count("id")).order_by()
            ),
            "escalated": orders.filter(level__gt=1).count(),
        },
        "oversight": {
            "evaluations": evaluations.count(),
            "poor": evaluations.filter(
                Q(timeliness="poor") | Q(quality="poor") | Q(attitude="poor")
            ).count(),
        },
    }
