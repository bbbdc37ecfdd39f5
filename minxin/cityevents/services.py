"""What the centre's calls do: create a request from an event, link an event to a request.

Each call runs in one transaction that first locks its client row (so one client's calls
never race each other), spends the call's nonce, then acts: a refused call rolls it all
back. Both are idempotent on the centre's event id: an event already received answers with
the request it became, whatever the repeat carries.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from minxin.cityevents.auth import WINDOW_SECONDS
from minxin.cityevents.models import CityEvent, Client, EventType, Nonce
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.org.models import Unit
from minxin.tickets import codes
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.models import Channel, Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.timeline import record
from minxin.tickets.workflow import require_allowed


@dataclass
class EventData:
    event_id: str
    event_type: str
    title: str
    content: str
    district_code: str = ""
    address: str = ""
    latitude: Decimal | str | None = None
    longitude: Decimal | str | None = None
    occurred_at: dt.datetime | None = None


def client_create(*, name: str) -> tuple[Client, str]:
    """A new client and its secret (shown once; derived again from the seed to verify)."""
    client = Client.objects.create(
        name=name, key="cec_" + secrets.token_hex(12), seed=secrets.token_hex(32)
    )
    return client, client.secret()


def nonce_spend(client: Client, nonce: str) -> None:
    """Lock the client and spend the nonce: a repeat is a replay, refused (409)."""
    now = clock.now()
    Client.objects.select_for_update().filter(pk=client.pk).update(last_used_at=now)
    keep = dt.timedelta(seconds=2 * WINDOW_SECONDS)
    Nonce.objects.filter(client=client, seen_at__lt=now - keep).delete()
    if Nonce.objects.filter(client=client, nonce=nonce).exists():
        raise Conflict("该请求已处理过（随机数重复），已拒绝重放", code="replayed")
    Nonce.objects.create(client=client, nonce=nonce, seen_at=now)


def _received(client: Client, event_id: str) -> CityEvent | None:
    return (
        CityEvent.objects.select_related("ticket").filter(client=client, event_id=event_id).first()
    )


def _district(code: str) -> int | None:
    if not code:
        return None
    district = Unit.objects.filter(code=code, kind=Unit.Kind.DISTRICT).first()
    if district is None:
        raise ValidationFailed(
            f"未知的区县编码：{code}", code="unknown_district", field="district_code"
        )
    return district.pk


def _event_type(code: str) -> EventType:
    event_type = EventType.objects.filter(code=code, active=True).first()
    if event_type is None:
        raise ValidationFailed(
            f"未知的事件类型：{code}", code="unknown_event_type", field="event_type"
        )
    return event_type


def _on_timeline(row: CityEvent) -> None:
    """The event as a step of its request, in the same transaction: internal (the citizen's
    timeline shows no centre event)."""
    actor = Actor.system_actor()
    require_allowed(actor, row.ticket, Action.CITY_EVENT)
    kind = f"（{row.event_type.name}）" if row.event_type else ""
    how = "生成本诉求" if row.how == CityEvent.How.CREATED else "关联到本诉求"
    record(
        row.ticket,
        actor=actor,
        action=Action.CITY_EVENT,
        public=False,
        note=f"{row.client.name}事件 {row.event_id}{kind}{how}",
    )


def city_event_receive(
    *, client: Client, nonce: str, data: EventData
) -> tuple[CityEvent, bool, str | None]:
    """The request the event became: (row, created now, query password if created now)."""
    try:
        with transaction.atomic():
            nonce_spend(client, nonce)
            existing = _received(client, data.event_id)
            if existing is not None:
                return existing, False, None
            event_type = _event_type(data.event_type)
            submission = Submission(
                request_type=event_type.request_type.code,
                title=data.title,
                content=data.content,
                category_id=event_type.category_id,
                district_id=_district(data.district_code),
                address=data.address,
                latitude=None if data.latitude is None else str(data.latitude),
                longitude=None if data.longitude is None else str(data.longitude),
                channel=Channel.API,
                anonymous=True,
            )
            ticket, password = ticket_submit(data=submission, actor=Actor.system_actor())
            row = CityEvent.objects.create(
                client=client,
                event_id=data.event_id,
                event_type=event_type,
                ticket=ticket,
                how=CityEvent.How.CREATED,
                occurred_at=data.occurred_at,
                received_at=clock.now(),
            )
            _on_timeline(row)
            return row, True, password
    except IntegrityError as exc:  # a race the client lock did not cover (SQLite)
        raise Conflict("并发请求冲突，请稍后重试", code="busy") from exc


def city_event_link(
    *, client: Client, nonce: str, event_id: str, tracking_code: str, event_type: str = ""
) -> tuple[CityEvent, bool]:
    """Link the event to an existing request; (row, linked now). An event already tied to
    another request is refused (409): the centre must not move events silently."""
    try:
        with transaction.atomic():
            nonce_spend(client, nonce)
            code = codes.normalise(tracking_code or "")
            ticket = (
                Ticket.objects.select_for_update().filter(tracking_code=code).first()
                if code
                else None
            )
            if ticket is None:
                raise NotFound(
                    "查询码对应的诉求不存在", code="unknown_request", field="tracking_code"
                )
            kind = _event_type(event_type) if event_type else None
            existing = _received(client, event_id)
            if existing is not None:
                if existing.ticket_id != ticket.pk:
                    raise Conflict(
                        f"该事件已关联诉求 {existing.ticket.display_code}",
                        code="already_linked",
                        field="event_id",
                    )
                return existing, False
            row = CityEvent.objects.create(
                client=client,
                event_id=event_id,
                event_type=kind,
                ticket=ticket,
                how=CityEvent.How.LINKED,
                received_at=clock.now(),
            )
            _on_timeline(row)
            return row, True
    except IntegrityError as exc:
        raise Conflict("并发请求冲突，请稍后重试", code="busy") from exc


def city_event_get(*, client: Client, nonce: str, event_id: str) -> CityEvent:
    with transaction.atomic():  # a read spends its nonce too: no call is played twice
        nonce_spend(client, nonce)
    row = _received(client, event_id)
    if row is None:
        raise NotFound("未收到过该事件", code="unknown_event", field="event_id")
    return row
