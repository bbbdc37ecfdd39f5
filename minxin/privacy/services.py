"""Personal data: revealing it to staff who need it, and the citizen's rights over it (个人信息
保护法): export, erasure, and removal after the retention period.

Erasure keeps the request (anonymised) and never touches the audit chain: the chain holds
only digests and ids, so it stays intact and verifiable after personal data is gone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from minxin.accounts.models import REVEAL_ROLES, User
from minxin.audit.chain import iso
from minxin.audit.services import chain_append
from minxin.core import clock
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.encryption.crypto import phone_index
from minxin.notify.models import SmsMessage
from minxin.notify.models import Status as OutboxStatus
from minxin.privacy.models import RevealLog, reveal_payload
from minxin.tickets import textsearch
from minxin.tickets.actors import Actor
from minxin.tickets.display import citizen_comment, mask_phone
from minxin.tickets.models import Status, Ticket
from minxin.tickets.selectors import (
    citizen_tickets,
    public_timeline,
    published_reply,
    ticket_for_staff,
)
from minxin.tickets.timeline import citizen_timeline, record

CLOSED_STATUSES = (Status.CLOSED, Status.ARCHIVED, Status.REJECTED, Status.MERGED)
PERSONAL_FIELDS = [
    "submitter_name",
    "submitter_phone",
    "submitter_phone_index",
    "address",
    "latitude",
    "longitude",
]
_PHONE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


# ---- reveal (staff) --------------------------------------------------------------------


@transaction.atomic
def contact_reveal(*, ticket_id: int, user: User, reason: str) -> dict[str, str]:
    """The submitter's unmasked contact, for a role that needs it; logged and witnessed."""
    if not (user.is_active and user.role in REVEAL_ROLES):
        raise PermissionDenied("您的角色不能查看诉求人联系方式", code="forbidden_reveal")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写查看理由", code="required", field="reason")
    if len(reason) > 200:
        raise ValidationFailed("查看理由不能超过200字", code="too_long", field="reason")
    ticket = ticket_for_staff(user=user, ticket_id=ticket_id)
    if not (ticket.submitter_phone or ticket.submitter_name):
        raise NotFound("该诉求为匿名提交或个人信息已删除，没有可查看的联系方式", code="no_contact")
    log = RevealLog.objects.create(
        ticket=ticket, user=user, role=user.role, reason=reason, at=clock.now()
    )
    record(
        ticket,
        actor=Actor.staff(user),
        action="reveal_contact",
        public=False,
        note=f"查看诉求人联系方式，理由：{reason}",
    )
    chain_append(kind="reveal", ref=f"reveal:{log.pk}", payload=reveal_payload(log), at=log.at)
    return {
        "name": ticket.submitter_name,
        "phone": ticket.submitter_phone,
        "address": ticket.address,
    }


def reveals_for_ticket(*, ticket: Ticket) -> QuerySet[RevealLog]:
    return ticket.reveal_logs.select_related("user")


# ---- the citizen's rights --------------------------------------------------------------


def _verified_phone(actor: Actor) -> str:
    if not actor.citizen_phone:
        raise PermissionDenied("请先完成手机号验证", code="phone_not_verified", field="phone")
    return actor.citizen_phone


def personal_data_export(*, actor: Actor) -> dict[str, Any]:
    """Everything held about a verified phone: its requests and the messages sent to it."""
    phone = _verified_phone(actor)
    tickets = list(citizen_tickets(phone=phone).select_related("category", "district"))
    messages = SmsMessage.objects.filter(phone_index=phone_index(phone)).order_by("id")
    chain_append(
        kind="rights",
        ref="rights:export",
        payload={"action": "export", "tickets": [t.pk for t in tickets]},
    )
    return {
        "phone": phone,
        "exported_at": iso(clock.now()),
        "requests": [_ticket_export(t) for t in tickets],
        "messages": [
            {"at": iso(m.created_at), "text": m.text, "status": m.status} for m in messages
        ],
    }


def _ticket_export(ticket: Ticket) -> dict[str, Any]:
    reply = published_reply(ticket)
    return {
        "tracking_code": ticket.display_code,
        "type": ticket.request_type.name,
        "title": ticket.title,
        "content": ticket.content,
        "category": ticket.category.name if ticket.category else None,
        "district": ticket.district.name if ticket.district else None,
        "address": ticket.address,
        "name": ticket.submitter_name,
        "phone": ticket.submitter_phone,
        "latitude": str(ticket.latitude) if ticket.latitude is not None else None,
        "longitude": str(ticket.longitude) if ticket.longitude is not None else None,
        "channel": ticket.channel,
        "status": ticket.get_status_display(),
        "submitted_at": iso(ticket.created_at),
        "closed_at": iso(ticket.closed_at) if ticket.closed_at else None,
        "satisfaction": ticket.satisfaction,
        "rating_comment": citizen_comment(ticket),
        "reply": reply.public_reply if reply else None,
        "photos": [p.image.name for p in ticket.photos.all()],
        "timeline": [_jsonable(e) for e in citizen_timeline(public_timeline(ticket))],
    }


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, dt.datetime) else v for k, v in data.items()}


def personal_data_erase(*, actor: Actor) -> dict[str, int]:
    """Remove a verified phone's personal data; its requests stay, anonymised."""
    index = phone_index(_verified_phone(actor))
    with transaction.atomic():
        messages = _erase_messages(SmsMessage.objects.filter(phone_index=index))
    ids = list(Ticket.objects.filter(submitter_phone_index=index).values_list("pk", flat=True))
    # One transaction per request: an interrupted erasure is finished by asking again.
    erased = sum(_erase_ticket(pk, actor=actor, note="应诉求人要求删除个人信息") for pk in ids)
    chain_append(
        kind="rights",
        ref="rights:erase",
        payload={"action": "erase", "requests": erased, "messages": messages},
    )
    return {"requests": erased, "messages": messages}


@transaction.atomic
def _erase_ticket(
    ticket_id: int, *, actor: Actor, note: str, closed_before: dt.datetime | None = None
) -> int:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    if closed_before and not (
        ticket.status in CLOSED_STATUSES and ticket.closed_at and ticket.closed_at < closed_before
    ):
        return 0  # reopened since it was picked
    ticket.submitter_name = ticket.submitter_phone = ticket.address = ""
    ticket.latitude = ticket.longitude = None
    # Contacts typed into the free text go too; the request itself stays readable.
    ticket.title, ticket.content, ticket.rating_comment = (
        scrub(ticket.title),
        scrub(ticket.content),
        scrub(ticket.rating_comment),
    )
    ticket.save(update_fields=[*PERSONAL_FIELDS, "title", "content", "rating_comment"])
    textsearch.index(ticket)  # the search index held the erased text too
    _erase_messages(SmsMessage.objects.filter(ticket_id=ticket.pk))
    record(ticket, actor=actor, action="erase_personal_data", public=False, note=note)
    return 1


def _erase_messages(messages: QuerySet[SmsMessage]) -> int:
    # Undelivered messages to someone who asked to be forgotten are not sent.
    deleted, _ = messages.filter(status=OutboxStatus.PENDING).delete()
    return deleted + messages.update(phone="", phone_index="")


def scrub(text: str) -> str:
    """Free text with mobile numbers masked and ID numbers removed."""
    text = _PHONE_RE.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())[-11:]), text or "")
    return _ID_NUMBER_RE.sub("[身份证号已删除]", text)


# ---- retention -------------------------------------------------------------------------


def retention_days() -> int:
    return int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", 1095))


def purgeable_tickets(*, cutoff: dt.datetime) -> QuerySet[Ticket]:
    """Requests closed before the cutoff that still hold personal data."""
    holds_data = (
        ~Q(submitter_phone_index="")
        | ~Q(submitter_name="")
        | ~Q(address="")
        | Q(latitude__isnull=False)
    )
    return Ticket.objects.filter(
        holds_data, status__in=CLOSED_STATUSES, closed_at__lt=cutoff
    ).order_by("pk")


def personal_data_purge(*, older_than_days: int | None = None, commit: bool = False) -> int:
    """Anonymise requests closed longer ago than the retention period (setting
    PERSONAL_DATA_RETENTION_DAYS). A dry run (the default) only counts them. Each request is
    its own transaction, so an interrupted run is simply run again."""
    days = retention_days() if older_than_days is None else older_than_days
    cutoff = clock.now() - dt.timedelta(days=days)
    ids = list(purgeable_tickets(cutoff=cutoff).values_list("pk", flat=True))
    if not commit:
        return len(ids)
    actor, note = Actor.system_actor(), f"办结超过{days}天，个人信息按保存期限删除"
    return sum(_erase_ticket(pk, actor=actor, note=note, closed_before=cutoff) for pk in ids)
