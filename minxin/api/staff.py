"""Staff endpoints: token login, queues and a request's detail; the workflow actions are in
`api.actions`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router

from minxin.accounts.http import StaffRequest
from minxin.accounts.models import ApiToken
from minxin.api.auth import StaffToken, staff_login
from minxin.api.schemas import LoginIn, TokenOut
from minxin.api.ticket_out import StaffTicketOut, TicketSummaryOut
from minxin.core import clock
from minxin.core.api_errors import ErrorOut
from minxin.tickets import listing, selectors
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket

router = Router(tags=["staff"])
auth_router = Router(tags=["auth"])
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


@auth_router.post("/token", response={200: TokenOut, **ERRORS})
def login(request: HttpRequest, payload: LoginIn) -> dict:
    """A token for a password and, for accounts with a TOTP device, its current code."""
    user = staff_login(
        request, username=payload.username, password=payload.password, totp=payload.totp or ""
    )
    raw = ApiToken.new_key()
    expires = clock.now() + dt.timedelta(seconds=settings.STAFF_TOKEN_MAX_AGE)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(raw), expires_at=expires)
    return {
        "token": raw,
        "expires_at": expires,
        "username": user.username,
        "role": user.role,
        "unit": user.unit.name if user.unit else None,
    }


@router.get("/queues/{name}", response={200: list[TicketSummaryOut], **ERRORS})
def queue(
    request: StaffRequest,
    name: str,
    offset: int = Query(0, ge=0, le=100000),
    limit: int = Query(50, ge=1, le=200),
) -> list[Ticket]:
    """Sort and filter with the workbench's parameters (docs/api.md, "Queue parameters")."""
    query = listing.parse(request.GET)
    tickets = selectors.queue(user=request.user, name=name)
    tickets = listing.sorted_list(
        listing.narrow(tickets, query), query.sort, alarm_first=name == "intake"
    )
    return list(tickets[offset : offset + limit])


@router.get("/requests/{ticket_id}", response={200: StaffTicketOut, **ERRORS})
def get_request(request: StaffRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_for_staff(user=request.user, ticket_id=ticket_id)


def act(
    request: StaffRequest, ticket_id: int, service: Callable[..., object], **kwargs: object
) -> Ticket:
    """Run one workflow service on a request the caller can see; the request as it is now."""
    user = request.user
    # Reads and writes share one scope: a request you cannot see is one you cannot touch.
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    service(ticket_id=ticket_id, actor=Actor.staff(user), **kwargs)
    # The answer shows the result even when the action ends this user's access (退回).
    ticket.refresh_from_db()
    return ticket


staff_auth = StaffToken()
