"""Citizens submit requests, add photos, and prove they may see one."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from minxin.core import clock
from minxin.core.errors import NotFound, PermissionDenied, ValidationFailed
from minxin.core.hashing import keyed_hash
from minxin.org.models import Category, Unit
from minxin.org.reference import request_type_by_code
from minxin.sla.deadlines import due_after
from minxin.tickets import codes, hooks, textsearch
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import warn_moment
from minxin.tickets.models import Channel, Photo, Stage, Status, Ticket
from minxin.tickets.passwords import password_try
from minxin.tickets.policy import accept_due, deadline_days
from minxin.tickets.timeline import record
from minxin.tickets.workflow import require_owner

MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding them
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass
class Submission:
    request_type: str
    title: str
    content: str
    category_id: int | None = None
    district_id: int | None = None
    address: str = ""
    latitude: float | str | None = None
    longitude: float | str | None = None
    channel: str = Channel.WEB
    anonymous: bool = True
    name: str = ""


def _clean(
    value: str | None, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    value = (value or "").strip().replace("\x00", "")
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code="required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(
            f"{label}不能超过{max_length}字（当前{len(value)}字）", code="too_long", field=field
        )
    return value


def _coordinate(value: float | str | None, *, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > limit:
        raise ValidationFailed("坐标无效", code="invalid_coordinate", field=field)
    return number.quantize(Decimal("0.000001"))


def check_submission(data: Submission) -> dict:
    request_type = request_type_by_code(data.request_type)
    if request_type is None:
        raise ValidationFailed("请选择诉求类型", code="invalid_type", field="request_type")
    if data.channel not in Channel.values:
        raise ValidationFailed("渠道无效", code="invalid_channel", field="channel")
    category = district = None
    if data.category_id is not None:
        category = Category.objects.filter(pk=data.category_id, is_active=True).first()
        if category is None:
            raise ValidationFailed("分类不存在", code="invalid_category", field="category_id")
    if data.district_id is not None:
        district = Unit.objects.filter(pk=data.district_id, kind=Unit.Kind.DISTRICT).first()
        if district is None:
            raise ValidationFailed("区县不存在", code="invalid_district", field="district_id")
    latitude = _coordinate(data.latitude, field="latitude", limit=90)
    longitude = _coordinate(data.longitude, field="longitude", limit=180)
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("经纬度需同时填写", code="invalid_coordinate", field="latitude")
    return {
        "request_type": request_type,
        "category": category,
        "district": district,
        "title": _clean(data.title, field="title", label="标题", max_length=100),
        "content": _clean(data.content, field="content", label="诉求内容", max_length=5000),
        "address": _clean(
            data.address, field="address", label="地址", max_length=200, required=False
        ),
        "latitude": latitude,
        "longitude": longitude,
        "channel": data.channel,
    }


@transaction.atomic
def ticket_submit(*, data: Submission, actor: Actor) -> tuple[Ticket, str | None]:
    """Create a request. Returns it and, for anonymous submitters, their query password."""
    fields = check_submission(data)
    password = None
    if data.anonymous:
        password = codes.new_query_password()
        fields.update(is_anonymous=True, query_password_hash=keyed_hash(password, purpose="query"))
    else:
        if not actor.citizen_phone:
            raise PermissionDenied(
                "实名提交需先完成手机号验证", code="phone_not_verified", field="phone"
            )
        fields.update(
            is_anonymous=False,
            submitter_phone=actor.citizen_phone,
            submitter_name=_clean(data.name, field="name", label="姓名", max_length=50),
        )
    now = clock.now()
    ticket = Ticket(
        created_at=now, status=Status.SUBMITTED, stage=Stage.ACCEPT, stage_started_at=now, **fields
    )
    # The accept clock; an emergency found by the analysis below tightens it (tickets.clocks).
    ticket.stage_due_at = accept_due(ticket, now)
    ticket.stage_warn_at = warn_moment(now, ticket.stage_due_at)
    # Until intake accepts it, the deadline shown is provisional, counted from submission.
    ticket.due_at = due_after(now, deadline_days(ticket))
    ticket = _insert_with_unique_code(ticket)
    textsearch.index(ticket)
    record(
        ticket,
        actor=actor,
        action="submit",
        from_status="",
        note=f"通过{Channel(ticket.channel).label}提交",
    )
    hooks.submitted(ticket)  # read in the worker: keywords, duplicates, risk level and alerts
    return ticket, password


def _insert_with_unique_code(ticket: Ticket) -> Ticket:
    for _ in range(5):
        ticket.tracking_code = codes.new_tracking_code()
        try:
            with transaction.atomic():
                ticket.save()
            return ticket
        except IntegrityError:
            if Ticket.objects.filter(tracking_code=ticket.tracking_code).exists():
                continue
            raise
    raise RuntimeError("could not allocate a tracking code")


@transaction.atomic
def ticket_add_photo(*, ticket_id: int, actor: Actor, upload: bytes, filename: str = "") -> Photo:
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    require_owner(actor, ticket)
    if ticket.photos.count() >= MAX_PHOTOS:
        raise ValidationFailed(
            f"最多上传{MAX_PHOTOS}张照片", code="too_many_photos", field="photos"
        )
    content_type = check_image(upload)
    upload = reencode_image(upload, content_type)
    photo = Photo(
        ticket=ticket, content_type=content_type, size=len(upload), uploaded_at=clock.now()
    )
    extension = "jpg" if content_type == "image/jpeg" else "png"
    # A random name: a file name must not give away the request's tracking code.
    photo.image.save(f"{secrets.token_urlsafe(18)}.{extension}", ContentFile(upload), save=False)
    photo.save()
    return photo


def check_image(upload: bytes) -> str:
    """The image's real type, judged by its content, not its name."""
    from PIL import Image, UnidentifiedImageError

    if len(upload) > MAX_PHOTO_BYTES:
        raise ValidationFailed("单张照片不能超过5MB", code="photo_too_large", field="photos")
    try:
        with Image.open(io.BytesIO(upload)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed("照片尺寸过大", code="photo_too_large", field="photos")
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        kind = None
    if kind not in PHOTO_FORMATS:
        raise ValidationFailed("照片只支持JPEG或PNG格式", code="invalid_photo", field="photos")
    return PHOTO_FORMATS[kind]


def reencode_image(upload: bytes, content_type: str) -> bytes:
    """Re-encode so no metadata survives: EXIF (with GPS location), comments, profiles.
    Orientation is applied to the pixels first so the photo still looks right."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(upload)) as image:
        clean = ImageOps.exif_transpose(image)
        out = io.BytesIO()
        if content_type == "image/jpeg":
            clean.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        else:
            clean.save(out, "PNG", optimize=True)
    return out.getvalue()


# ---- proving who may see a request ----------------------------------------------------------


def ticket_for_citizen(
    *, raw_code: str, password: str | None = None, phone: str | None = None, ip: str | None = None
) -> tuple[Ticket, Actor]:
    """The request behind a tracking code, for its query password or its verified phone.

    A password try is counted (per code and per client) before it is checked, and refused
    unchecked past the limit; the owner's verified phone never meets that lock."""
    code = codes.normalise(raw_code or "")
    if code is None:
        raise ValidationFailed(
            "查询码格式不正确，请核对后重新输入", code="invalid_code", field="tracking_code"
        )
    ticket = (
        Ticket.objects.select_related("request_type", "category__parent")
        .filter(tracking_code=code)
        .first()
    )
    if ticket is not None and phone and ticket.submitter_phone == phone:
        return ticket, Actor.citizen(phone)
    digest = ticket.query_password_hash if ticket is not None else None
    if password and password_try(code=code, ip=ip, password=password, digest=digest):
        assert ticket is not None  # a digest matched: the request exists
        return ticket, Actor.code_holder(code)
    raise NotFound("查询码或查询密码不正确", code="not_found")


# ---- a short-lived proof, so pages need not keep the password ---------------------------

_GRANT_SALT = "minxin.tracking-grant"


def tracking_grant_issue(*, code: str) -> str:
    """A signed token standing for "this visitor proved the password of `code`"."""
    return signing.dumps({"code": code}, salt=_GRANT_SALT)


def ticket_for_grant(*, raw_code: str, grant: str) -> tuple[Ticket, Actor]:
    code = codes.normalise(raw_code or "")
    try:
        data = signing.loads(grant, salt=_GRANT_SALT, max_age=settings.CITIZEN_TOKEN_MAX_AGE)
    except signing.BadSignature as exc:
        raise PermissionDenied("查询凭证已过期，请重新输入查询密码", code="grant_expired") from exc
    if code is None or not isinstance(data, dict) or data.get("code") != code:
        raise PermissionDenied("查询凭证与查询码不符", code="grant_mismatch")
    ticket = (
        Ticket.objects.select_related("request_type", "category__parent")
        .filter(tracking_code=code)
        .first()
    )
    if ticket is None:
        raise NotFound("查询码或查询密码不正确", code="not_found")
    return ticket, Actor.code_holder(code)
