"""Filing a request from an Open311 POST: checked here, created by `tickets.submission`.

The form is checked before anything is written; the request, its Open311 row and the answer
are written in one transaction, so an answer with a `service_request_id` is never about a
request that was not kept, and a refused POST leaves nothing behind. The same submission
again from the same client (same fields, within `RETRY_WINDOW`) is answered with the first
request, not filed twice: Open311 has no idempotency key, and clients retry on timeouts.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from minxin.core import clock
from minxin.core.errors import NotFound, ValidationFailed
from minxin.open311 import catalog
from minxin.open311.models import Client, FiledRequest
from minxin.tickets.actors import Actor
from minxin.tickets.models import Channel
from minxin.tickets.submission import Submission, ticket_submit

RETRY_WINDOW = timedelta(hours=24)
# Fields of the spec's POST kept with the request (`FiledRequest.payload`), with a limit each.
CONTACT_FIELDS = {
    "email": 254,
    "device_id": 100,
    "account_id": 100,
    "first_name": 50,
    "last_name": 50,
    "phone": 30,
    "address_id": 100,
}
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,50})\](\[\])?$")


@dataclass(frozen=True)
class Filed:
    record: FiledRequest
    query_password: str | None
    replayed: bool


def open311_submit(*, client: Client, form: dict[str, list[str]], phone: str | None) -> Filed:
    """File the form as a request. `phone` is a phone the citizen verified with Minxin (their
    citizen token): then the request is real-name; otherwise it is anonymous with a query
    password, and the contact details the client sent are kept with it, unverified."""
    submission, payload, media_url = _check_form(form, phone)
    fingerprint = _fingerprint(form, phone)
    with transaction.atomic():
        # One client's submissions take turns, so a retry racing its original finds it.
        Client.objects.select_for_update().filter(pk=client.pk).first()
        earlier = (
            FiledRequest.objects.filter(
                client=client,
                fingerprint=fingerprint,
                created_at__gte=clock.now() - RETRY_WINDOW,
            )
            .select_related("ticket")
            .first()
        )
        if earlier is not None:
            return Filed(earlier, earlier.query_password or None, replayed=True)
        _forget_old_passwords(client)
        actor = Actor.citizen(phone) if phone else Actor()
        ticket, password = ticket_submit(data=submission, actor=actor)
        record = FiledRequest.objects.create(
            client=client,
            ticket=ticket,
            token=secrets.token_urlsafe(24),
            fingerprint=fingerprint,
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            media_url=media_url,
            query_password=password or "",
            created_at=ticket.created_at,
        )
    return Filed(record, password, replayed=False)


def _forget_old_passwords(client: Client) -> None:
    """A query password is kept only while a retry may still ask for it."""
    FiledRequest.objects.filter(client=client, created_at__lt=clock.now() - RETRY_WINDOW).exclude(
        query_password=""
    ).update(query_password="")


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return (values[-1] or "").strip()


def _missing(name: str) -> ValidationFailed:
    return ValidationFailed(
        f"缺少必填字段：{name}（{name} is required）", code="required", field=name
    )


def _check_form(form: dict[str, list[str]], phone: str | None) -> tuple[Submission, dict, str]:
    code = _one(form, "service_code")
    if not code:
        raise _missing("service_code")
    description = _one(form, "description")
    if not description:
        raise _missing("description")
    try:
        category = catalog.service_for_code(code)
    except NotFound as exc:  # in a form, an unknown code is bad input, not a missing page
        raise ValidationFailed(exc.message, code=exc.code, field="service_code") from exc
    attributes = _attributes(form)
    chosen = catalog.check_attributes(category, attributes, description)
    lat, long, address = _one(form, "lat"), _one(form, "long"), _one(form, "address_string")
    if not (lat and long) and not address:
        raise ValidationFailed(
            "须提供位置：lat 和 long，或 address_string（a location is required）",
            code="location_required",
            field="lat",
        )
    payload = _contact(form)
    if attributes:
        payload["attributes"] = attributes
    name = f"{payload.get('last_name', '')}{payload.get('first_name', '')}".strip()
    submission = Submission(
        request_type=chosen.request_type,
        title=chosen.title,
        content=description,
        category_id=chosen.category.pk,
        district_id=chosen.district_id,
        address=address,
        latitude=lat or None,
        longitude=long or None,
        channel=Channel.API,
        anonymous=not phone,
        name=name,
    )
    return submission, payload, _media_url(form)


def _attributes(form: dict[str, list[str]]) -> dict:
    attributes: dict = {}
    for key, values in form.items():
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        cleaned = [v.strip()[:500] for v in values if v.strip()]
        if match.group(2):  # attribute[code][]: a multivaluelist
            attributes[match.group(1)] = cleaned
        elif cleaned:
            attributes[match.group(1)] = cleaned[-1]
    return attributes


def _contact(form: dict[str, list[str]]) -> dict:
    payload = {}
    for name, limit in CONTACT_FIELDS.items():
        value = _one(form, name)
        if len(value) > limit:
            raise ValidationFailed(f"{name} 过长（最多{limit}字符）", code="too_long", field=name)
        if value:
            payload[name] = value
    if "email" in payload:
        try:
            EmailValidator()(payload["email"])
        except ValidationError as exc:
            raise ValidationFailed("email 格式不正确", code="invalid_email", field="email") from exc
    return payload


def _media_url(form: dict[str, list[str]]) -> str:
    url = _one(form, "media_url")
    if not url:
        return ""
    try:
        if len(url) > 500:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationFailed(
            "media_url 须为 http(s) 链接，最长500字符", code="invalid_media_url", field="media_url"
        ) from exc
    return url


def _fingerprint(form: dict[str, list[str]], phone: str | None) -> str:
    fields = {k: [v.strip() for v in vs] for k, vs in form.items() if k != "api_key"}
    body = json.dumps([fields, phone or ""], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()
