"""What the tickets app's rules and lists make of a request's risk level, registered as its
hooks (`tickets.hooks`, from `RiskConfig.ready`): the emergency clock and the risk order
and filter of every queue."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Case, IntegerField, QuerySet, Value, When

from minxin.risk.models import RiskLevel, TicketInsight
from minxin.tickets.models import Ticket

RISK_RANK = {RiskLevel.CRITICAL: 0, RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2}


def is_emergency(ticket: Ticket) -> bool:
    """The risk analysis found a life or property at stake (risk level 紧急)."""
    return (
        bool(ticket.pk)
        and TicketInsight.objects.filter(
            ticket_id=ticket.pk, risk_level=RiskLevel.CRITICAL
        ).exists()
    )


def levels() -> Collection[str]:
    return RiskLevel.values


def with_risk(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotated with `risk_rank` (0 critical, 1 high, 2 medium, 3 low or not analysed) and
    `alarm` (0 critical, 1 otherwise), for sorting; requests without an analysis count low."""
    rank = Case(
        *[When(insight__risk_level=level, then=Value(n)) for level, n in RISK_RANK.items()],
        default=Value(3),
        output_field=IntegerField(),
    )
    alarm = Case(
        When(insight__risk_level=RiskLevel.CRITICAL, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return tickets.annotate(risk_rank=rank, alarm=alarm)


def at_level(tickets: QuerySet[Ticket], level: str) -> QuerySet[Ticket]:
    return tickets.filter(insight__risk_level=level)
