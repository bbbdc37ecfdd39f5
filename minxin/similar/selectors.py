"""Reads of duplicate flags, scoped like every read of requests."""

from __future__ import annotations

from django.db.models import Q

from minxin.accounts.models import User
from minxin.similar.models import DuplicateFlag
from minxin.tickets.models import Ticket
from minxin.tickets.selectors import tickets_visible_to


def duplicate_flags_for(ticket: Ticket, *, user: User | None = None) -> list[dict]:
    """The requests this one seems to repeat and those that seem to repeat it, open flags
    first. With `user`, a request they may not see is left out (its title would leak)."""
    flags = (
        DuplicateFlag.objects.filter(Q(ticket=ticket) | Q(similar_to=ticket))
        .select_related("ticket", "similar_to")
        .order_by("resolved", "-score", "id")
    )
    rows = [
        (flag, flag.similar_to if flag.ticket_id == ticket.pk else flag.ticket) for flag in flags
    ]
    if user is not None:
        visible = set(
            tickets_visible_to(user)
            .filter(pk__in=[o.pk for _, o in rows])
            .values_list("pk", flat=True)
        )
        rows = [(flag, other) for flag, other in rows if other.pk in visible]
    return [_row(flag, other, ticket) for flag, other in rows]


def _row(flag: DuplicateFlag, other: Ticket, ticket: Ticket) -> dict:
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "kind_label": flag.get_kind_display(),
        "score": flag.score,
        "resolved": flag.resolved,
        "created_at": flag.created_at,
        # "earlier": the other request came first, so this one would be merged into it.
        "direction": "earlier" if flag.ticket_id == ticket.pk else "later",
        "other": {
            "id": other.pk,
            "display_code": other.display_code,
            "title": other.title,
            "status": other.status,
            "created_at": other.created_at,
        },
    }
