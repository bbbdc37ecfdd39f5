"""Which timeline steps are which webhook event types, and what a receiver is told of one.

A receiver learns ids, the tracking code, states, category, units, type and times: never a
note (internal or public), a title, the request's text, an address or anyone's name or phone.
"""

from __future__ import annotations

from typing import Any

from minxin.tickets.actions import Action as A
from minxin.tickets.models import Status, TimelineEvent

# event type -> (label, the timeline actions that are it)
EVENT_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "submitted": ("提交", frozenset({A.SUBMIT})),
    "accepted": ("受理", frozenset({A.ACCEPT})),
    "rejected": ("不予受理", frozenset({A.REJECT})),
    "dispatched": ("派遣", frozenset({A.DISPATCH})),
    "signed": ("签收", frozenset({A.SIGN})),
    "returned": ("退回", frozenset({A.RETURN})),
    "replied": ("答复", frozenset({A.APPROVE, A.ANSWER})),
    "rated": ("评价", frozenset({A.RATE})),
    "reopened": ("重办", frozenset({A.REOPEN})),
    "closed": ("办结", frozenset()),  # any step into 已办结, see `types_of`
    "archived": ("归档", frozenset({A.ARCHIVE})),
    "warning": ("即将超期", frozenset({A.WARNING})),
    "overdue": ("超期", frozenset({A.OVERDUE})),
    "supervised": ("督办", frozenset({A.SUPERVISE})),
    "merged": ("并案", frozenset({A.MERGE})),
}
EVENT_TYPE_CHOICES = [(code, f"{code} · {label}") for code, (label, _) in EVENT_TYPES.items()]


def types_of(action: str, from_status: str, to_status: str) -> list[str]:
    """The event types a step is: a rating that closes the request is `rated` and `closed`."""
    found = [code for code, (_, actions) in EVENT_TYPES.items() if action in actions]
    if to_status == Status.CLOSED and from_status != Status.CLOSED:
        found.append("closed")
    return found


def _unit(unit: Any) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def payload(event: TimelineEvent, event_type: str, delivery_id: str) -> dict:
    """The body sent for one step; `event` comes with its ticket, units and category."""
    ticket = event.ticket
    category = ticket.category
    return {
        "delivery_id": delivery_id,
        "event_type": event_type,
        "occurred_at": event.at.isoformat(),
        "step": {
            "id": event.pk,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "unit": _unit(event.unit),
        },
        "request": {
            "tracking_code": ticket.tracking_code,
            "status": event.to_status,
            "status_label": Status(event.to_status).label if event.to_status in Status else "",
            "request_type": ticket.request_type.code,
            "category": {"id": category.pk, "name": category.name} if category else None,
            "district": _unit(ticket.district),
            "lead_unit": _unit(ticket.lead_unit),
            "channel": ticket.channel,
            "created_at": ticket.created_at.isoformat(),
            "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
            "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
        },
    }
