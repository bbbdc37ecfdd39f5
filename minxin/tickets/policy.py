"""Which time limit applies to a request: category override, else its type's default."""

from __future__ import annotations

from minxin.org.models import DeadlineOverride
from minxin.tickets.models import Ticket


def deadline_days(ticket: Ticket) -> int:
    if ticket.category_id:
        category_ids = [ticket.category_id]
        if ticket.category.parent_id:
            category_ids.append(ticket.category.parent_id)
        overrides = dict(
            DeadlineOverride.objects.filter(
                request_type_id=ticket.request_type_id, category_id__in=category_ids
            ).values_list("category_id", "deadline_days")
        )
        for category_id in category_ids:  # the most specific category wins
            if category_id in overrides:
                return overrides[category_id]
    return ticket.request_type.deadline_days
