"""Reads of risk signals. Callers scope the request first (`ticket_for_staff`)."""

from __future__ import annotations

from django.db.models import QuerySet

from minxin.risk.models import RiskLevel, TicketInsight
from minxin.tickets.models import Ticket


def insight_for(ticket: Ticket) -> TicketInsight | None:
    return TicketInsight.objects.filter(ticket=ticket).first()


def risky(tickets: QuerySet[Ticket]) -> QuerySet[TicketInsight]:
    """The high and critical requests among `tickets` (already scoped), newest first."""
    return (
        TicketInsight.objects.filter(
            ticket__in=tickets, risk_level__in=[RiskLevel.HIGH, RiskLevel.CRITICAL]
        )
        .select_related("ticket")
        .order_by("-ticket__created_at")
    )
