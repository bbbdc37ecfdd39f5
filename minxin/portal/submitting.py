"""A web submission: photos checked first, then the request and its photos in one go.

The ticket services do the work; this module only adds what a web form needs around them:
a one-time form token, so a refresh or a second click does not file the request twice,
and photo checks that run before anything is written, so a bad photo loses nothing else.
"""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from minxin.core.errors import ValidationFailed
from minxin.tickets.actors import Actor
from minxin.tickets.display import deadline_text
from minxin.tickets.models import Ticket
from minxin.tickets.submission import (
    MAX_PHOTO_BYTES,
    Submission,
    check_image,
    ticket_add_photo,
    ticket_submit,
)

_TOKEN_SALT = "minxin.portal.submit"
# Long enough for a citizen who writes slowly; the claim outlives it so replays stay caught.
TOKEN_MAX_AGE = 24 * 3600


class AlreadySubmitted(Exception):
    """This form token was used before; `code` is the request it made ("" while in flight)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def form_token_new() -> str:
    return signing.dumps(secrets.token_hex(12), salt=_TOKEN_SALT)


def form_token_nonce(token: str) -> str | None:
    """The nonce inside a token we issued, or None if it is forged or too old."""
    try:
        nonce = signing.loads(token or "", salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return nonce if isinstance(nonce, str) else None


def _claim_key(nonce: str) -> str:
    return f"portal:submit:{nonce}"


def check_not_used(nonce: str) -> None:
    used = cache.get(_claim_key(nonce))
    if used is not None:
        raise AlreadySubmitted(used)


def read_photos(files: list[UploadedFile]) -> list[bytes]:
    """Every photo's bytes, each checked by its content; the first bad one is named."""
    photos = []
    for upload in files:
        if upload.size and upload.size > MAX_PHOTO_BYTES:
            raise ValidationFailed(
                f"照片“{upload.name}”超过5MB，请压缩后重新选择",
                code="photo_too_large",
                field="photos",
            )
        data = upload.read(MAX_PHOTO_BYTES + 1)
        try:
            check_image(data)
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"照片“{upload.name}”无法使用：{exc.message}", code=exc.code, field="photos"
            ) from exc
        photos.append(data)
    return photos


def submit_once(
    *, nonce: str, data: Submission, phone: str | None, photos: list[bytes]
) -> tuple[Ticket, str | None]:
    """File the request unless this token already did; the claim is released on failure."""
    key = _claim_key(nonce)
    # add() is atomic in every cache backend: of two simultaneous posts, one wins.
    if not cache.add(key, "", timeout=TOKEN_MAX_AGE):
        raise AlreadySubmitted(cache.get(key) or "")
    try:
        ticket, password = _submit_with_photos(data, phone, photos)
    except BaseException:
        cache.delete(key)
        raise
    cache.set(key, ticket.tracking_code, timeout=TOKEN_MAX_AGE)
    return ticket, password


@transaction.atomic
def _submit_with_photos(
    data: Submission, phone: str | None, photos: list[bytes]
) -> tuple[Ticket, str | None]:
    ticket, password = ticket_submit(data=data, actor=Actor.citizen(phone) if phone else Actor())
    owner = Actor.citizen(phone) if phone else Actor.code_holder(ticket.tracking_code)
    for upload in photos:
        ticket_add_photo(ticket_id=ticket.pk, actor=owner, upload=upload)
    return ticket, password


def receipt(ticket: Ticket, password: str | None, photo_count: int) -> dict:
    """What the confirmation page shows, kept in the session until it is shown."""
    return {
        "code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "password": password,
        "anonymous": ticket.is_anonymous,
        "type_name": ticket.request_type.name,
        "title": ticket.title,
        "deadline": deadline_text(ticket),
        "photos": photo_count,
    }
