"""The city operations centre's endpoints, /api/v1/cityevents/ (signed calls, auth.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as Reply

from minxin.cityevents import services
from minxin.cityevents.auth import SignedCall, call_nonce
from minxin.cityevents.models import CityEvent, Client
from minxin.core.api_errors import ErrorOut
from minxin.tickets.models import Status

router = Router(tags=["cityevents"], auth=SignedCall())
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
EVENT_ID = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


class EventIn(Schema):
    event_id: str = EVENT_ID
    event_type: str = Field(..., min_length=1, max_length=50)
    title: str = Field(..., max_length=100)
    content: str = Field(..., max_length=5000)
    district_code: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    occurred_at: dt.datetime | None = None


class LinkIn(Schema):
    event_id: str = EVENT_ID
    tracking_code: str = Field(..., min_length=1, max_length=20)
    event_type: str = Field("", max_length=50)


class EventOut(Schema):
    event_id: str
    how: str
    created: bool
    tracking_code: str
    display_code: str
    status: str
    status_label: str
    due_at: dt.datetime | None
    query_password: str | None = None


def _client(request: HttpRequest) -> Client:
    return request.auth  # type: ignore[attr-defined]


def _out(row: CityEvent, *, created: bool, password: str | None = None) -> dict:
    ticket = row.ticket
    return {
        "event_id": row.event_id,
        "how": row.how,
        "created": created,
        "tracking_code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "due_at": ticket.due_at,
        "query_password": password,
    }


@router.post("/events", response={200: EventOut, 201: EventOut, **ERRORS})
def receive_event(request: HttpRequest, payload: EventIn) -> Reply:
    """Create a request from the centre's event (once per event id)."""
    data = services.EventData(**payload.dict())
    row, created, password = services.city_event_receive(
        client=_client(request), nonce=call_nonce(request), data=data
    )
    return Reply(201 if created else 200, _out(row, created=created, password=password))


@router.post("/links", response={200: EventOut, 201: EventOut, **ERRORS})
def link_event(request: HttpRequest, payload: LinkIn) -> Reply:
    """Link the centre's event to an existing request (once per event id)."""
    row, created = services.city_event_link(
        client=_client(request), nonce=call_nonce(request), **payload.dict()
    )
    return Reply(201 if created else 200, _out(row, created=created))


@router.get("/events/{event_id}", response={200: EventOut, **ERRORS})
def event_status(request: HttpRequest, event_id: str) -> dict:
    """The current state of the request an event became or was linked to."""
    row = services.city_event_get(
        client=_client(request), nonce=call_nonce(request), event_id=event_id
    )
    return _out(row, created=False)
