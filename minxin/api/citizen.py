"""Citizen endpoints: verify a phone, submit, track, rate, add material."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja import Status as Reply

from minxin.accounts.throttle import client_ip
from minxin.api import idempotency
from minxin.api.auth import citizen_phone
from minxin.api.schemas import (
    CitizenTokenOut,
    PersonalDataOut,
    PhoneIn,
    PublicTicketOut,
    RatingIn,
    SentOut,
    SubmitIn,
    SubmittedOut,
    SupplementIn,
    VerifyIn,
)
from minxin.api.ticket_out import TicketSummaryOut
from minxin.core.api_errors import ErrorOut
from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.identity.services import sms_code_request, sms_code_verify
from minxin.tickets import codes, selectors, tracking_cache
from minxin.tickets.actors import Actor
from minxin.tickets.display import deadline_text
from minxin.tickets.models import Status, Ticket
from minxin.tickets.services import ticket_rate, ticket_supplement
from minxin.tickets.submission import (
    Submission,
    ticket_add_photo,
    ticket_for_citizen,
    ticket_submit,
)
from minxin.tickets.timeline import citizen_timeline

router = Router(tags=["citizen"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


@router.post("/sms/codes", response={202: SentOut, **ERRORS})
def request_sms_code(request: HttpRequest, payload: PhoneIn) -> Reply:
    sms_code_request(phone=payload.phone, ip=client_ip(request))
    return Reply(202, {"sent": True, "expires_in": settings.SMS_CODE_TTL_SECONDS})


@router.post("/sms/verify", response={200: CitizenTokenOut, **ERRORS})
def verify_sms_code(request: HttpRequest, payload: VerifyIn) -> dict:
    token = sms_code_verify(phone=payload.phone, code=payload.code, ip=client_ip(request))
    return {"citizen_token": token, "expires_in": settings.CITIZEN_TOKEN_MAX_AGE}


@router.post("/requests", response={201: SubmittedOut, **ERRORS})
def submit(request: HttpRequest, payload: SubmitIn) -> Reply:
    return Reply(*idempotency.run(request, payload.dict(), lambda: _submit(request, payload)))


def _submit(request: HttpRequest, payload: SubmitIn) -> tuple[int, dict]:
    phone = citizen_phone(request)
    actor = Actor.citizen(phone) if phone else Actor()
    ticket, password = ticket_submit(data=Submission(**payload.dict()), actor=actor)
    return 201, {
        "tracking_code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "query_password": password,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "due_at": ticket.due_at,
        "deadline_text": deadline_text(ticket),
    }


def _proof(request: HttpRequest, password: str | None) -> tuple[str | None, str | None]:
    """The query password (parameter, body or header) and the verified phone, if any."""
    return password or request.headers.get("X-Query-Password"), citizen_phone(request)


def _citizen_ticket(request: HttpRequest, code: str, password: str | None) -> tuple[Ticket, Actor]:
    password, phone = _proof(request, password)
    return ticket_for_citizen(raw_code=code, password=password, phone=phone, ip=client_ip(request))


@router.get("/requests/{tracking_code}", response={200: PublicTicketOut, **ERRORS})
def track(request: HttpRequest, tracking_code: str, password: str | None = None) -> HttpResponse:
    password, phone = _proof(request, password)
    code = codes.normalise(tracking_code or "")
    if code:
        body = tracking_cache.cached_view(
            code=code, password=password, phone=phone, ip=client_ip(request)
        )
        if body is not None:
            return HttpResponse(body, content_type="application/json")
    ticket, _ = ticket_for_citizen(
        raw_code=tracking_code, password=password, phone=phone, ip=client_ip(request)
    )
    body = PublicTicketOut.model_validate(public_ticket(ticket)).model_dump_json()
    if not ticket.merged_into_id:  # a merged view also depends on another request
        tracking_cache.remember_view(
            code=ticket.tracking_code,
            body=body,
            password_hash=ticket.query_password_hash,
            phone_index=ticket.submitter_phone_index,
        )
    return HttpResponse(body, content_type="application/json")


def public_ticket(ticket: Ticket) -> dict:
    # A merged request shows the reply of the request it was merged into.
    primary = ticket.merged_into or ticket
    # Only these states can have a published reply; the others skip the query.
    replied = primary.status in (Status.PUBLISHED, Status.CLOSED, Status.ARCHIVED)
    reply = selectors.published_reply(primary) if replied else None
    return {
        "tracking_code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "request_type": ticket.request_type.name,
        "title": ticket.title,
        "content": ticket.content,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "category": str(ticket.category) if ticket.category_id else None,
        "created_at": ticket.created_at,
        "due_at": ticket.due_at,
        "deadline_text": deadline_text(ticket),
        "can_rate": ticket.status == Status.PUBLISHED,
        "satisfaction": ticket.satisfaction or None,
        "reply": {
            "unit": reply.unit.name if reply.unit else "市民诉求受理中心",
            "public_reply": reply.public_reply,
            "solved": reply.solved,
            "published_at": reply.published_at,
        }
        if reply and primary.status != Status.REPLIED
        else None,
        "merged_into": ticket.merged_into.display_code if ticket.merged_into else None,
        "timeline": citizen_timeline(selectors.public_timeline(ticket)),
    }


@router.post("/requests/{tracking_code}/rating", response={200: PublicTicketOut, **ERRORS})
def rate(request: HttpRequest, tracking_code: str, payload: RatingIn) -> dict:
    ticket, actor = _citizen_ticket(request, tracking_code, payload.password)
    ticket = ticket_rate(
        ticket_id=ticket.pk, actor=actor, satisfaction=payload.satisfaction, comment=payload.comment
    )
    return public_ticket(ticket)


@router.post("/requests/{tracking_code}/supplement", response={200: PublicTicketOut, **ERRORS})
def supplement(request: HttpRequest, tracking_code: str, payload: SupplementIn) -> dict:
    ticket, actor = _citizen_ticket(request, tracking_code, payload.password)
    ticket = ticket_supplement(ticket_id=ticket.pk, actor=actor, note=payload.note)
    return public_ticket(ticket)


class PhotoOut(Schema):
    id: int
    content_type: str
    size: int


@router.post("/requests/{tracking_code}/photos", response={201: PhotoOut, **ERRORS})
def add_photo(
    request: HttpRequest, tracking_code: str, photo: File[UploadedFile], password: Form[str] = ""
) -> Reply:
    ticket, actor = _citizen_ticket(request, tracking_code, password or None)
    data = photo.read(6 * 1024 * 1024)
    with transaction.atomic():
        saved = ticket_add_photo(ticket_id=ticket.pk, actor=actor, upload=data)
    return Reply(201, {"id": saved.pk, "content_type": saved.content_type, "size": saved.size})


@router.get("/me/requests", response={200: list[TicketSummaryOut], **ERRORS})
def my_requests(request: HttpRequest) -> list[Ticket]:
    phone = citizen_phone(request)
    if not phone:
        raise PermissionDenied("请先通过短信验证码验证手机号", code="phone_not_verified")
    return list(selectors.citizen_tickets(phone=phone)[:200])


# ---- personal-information rights (个人信息保护法) ------------------------------------------


def _verified(request: HttpRequest) -> Actor:
    phone = citizen_phone(request)
    if not phone:
        raise PermissionDenied("请先通过短信验证码验证手机号", code="phone_not_verified")
    return Actor.citizen(phone)


@router.get("/me/data", response={200: PersonalDataOut, **ERRORS})
def my_data(request: HttpRequest) -> dict:
    """Everything the platform holds about the verified phone, as JSON."""
    from minxin.privacy.services import personal_data_export

    return personal_data_export(actor=_verified(request))


class EraseIn(Schema):
    confirm: bool = Field(..., description="must be true: erasure cannot be undone")


class ErasedOut(Schema):
    requests: int = Field(..., description="requests anonymised")
    messages: int = Field(..., description="messages whose phone and text were removed")


@router.post("/me/erase", response={200: ErasedOut, **ERRORS})
def erase_my_data(request: HttpRequest, payload: EraseIn) -> dict:
    """Remove the verified phone's personal data; the anonymised requests remain."""
    from minxin.privacy.services import personal_data_erase

    actor = _verified(request)
    if not payload.confirm:
        raise ValidationFailed(
            "请确认删除（confirm 须为 true）", code="not_confirmed", field="confirm"
        )
    return personal_data_erase(actor=actor)
