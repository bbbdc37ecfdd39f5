"""Staff endpoints: token login, queues, request detail and every workflow action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router

from minxin.accounts.models import ApiToken, User
from minxin.api.auth import StaffToken, staff_login
from minxin.api.schemas import (
    AcceptIn,
    AnswerIn,
    CoDecisionIn,
    CoOpinionIn,
    DecisionIn,
    DispatchIn,
    ErrorOut,
    ExtensionIn,
    LoginIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    StaffRatingIn,
    StaffTicketOut,
    TicketSummaryOut,
    TokenOut,
    VersionIn,
)
from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.tickets import cohandling, listing, selectors, unit_review
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.display import clock_colour, event_dict, mask_name, mask_phone
from minxin.tickets.models import Assignment, Status, Ticket
from minxin.tickets.workflow import allowed_actions

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
        "unit": user.unit.name if user.unit_id else None,
    }


def summary(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "tracking_code": ticket.tracking_code,
        "display_code": ticket.display_code,
        "title": ticket.title,
        "request_type": ticket.request_type.name,
        "status": ticket.status,
        "status_label": Status(ticket.status).label,
        "category": str(ticket.category) if ticket.category_id else None,
        "lead_unit": ticket.lead_unit.name if ticket.lead_unit_id else None,
        "created_at": ticket.created_at,
        "due_at": ticket.due_at,
        "stage": ticket.stage,
        "stage_due_at": ticket.stage_due_at,
        "version": ticket.version,
        "clock": clock_colour(ticket),
    }


def detail(ticket: Ticket, user: User) -> dict:
    data = summary(ticket)
    data.update(
        content=ticket.content,
        address=ticket.address,
        district=ticket.district.name if ticket.district_id else None,
        latitude=float(ticket.latitude) if ticket.latitude is not None else None,
        longitude=float(ticket.longitude) if ticket.longitude is not None else None,
        channel=ticket.channel,
        is_anonymous=ticket.is_anonymous,
        submitter_name=mask_name(ticket.submitter_name),
        submitter_phone=mask_phone(ticket.submitter_phone) if ticket.submitter_phone else "",
        reopen_count=ticket.reopen_count,
        satisfaction=ticket.satisfaction,
        assignments=[
            {"unit_id": a.unit_id, "unit": a.unit.name, "role": a.role, "active": a.active}
            for a in ticket.assignments.select_related("unit")
        ],
        co_parts=[co_part_dict(p) for p in cohandling.co_parts(ticket)],
        extensions=[
            {"id": e.pk, "days": e.days, "reason": e.reason, "decision": e.decision}
            for e in ticket.extensions.all()
        ],
        replies=[
            {
                "facts": r.facts,
                "solved": r.solved,
                "unsolved_reason": r.unsolved_reason,
                "public_reply": r.public_reply,
                "review": r.review,
                "review_note": r.review_note,
            }
            for r in ticket.replies.all()
        ],
        timeline=[event_dict(e) for e in selectors.full_timeline(ticket)],
        # What this user may do now: the table the services enforce.
        actions=[str(a) for a in allowed_actions(user, ticket)],
        warn_level=ticket.warn_level,
        notifications=delivery_status(ticket),
        supervision=[
            {
                "id": o.pk,
                "reason": o.reason,
                "level": o.level,
                "state": o.state,
                "outcome": o.outcome,
            }
            for o in ticket.supervision_orders.all()
        ],
        evaluations=[
            {
                "timeliness": e.timeliness,
                "quality": e.quality,
                "attitude": e.attitude,
                "comment": e.comment,
            }
            for e in ticket.oversight_evaluations.all()
        ],
    )
    return data


def co_part_dict(part: Assignment) -> dict:
    return {
        "unit_id": part.unit_id,
        "unit": part.unit.name,
        "status": part.status,
        "status_label": part.get_status_display(),
        "active": part.active,
        "due_at": part.due_at,
        "signed_at": part.signed_at,
        "opinion": part.opinion,
        "opinion_at": part.opinion_at,
        "return_reason": part.return_reason,
    }


def delivery_status(ticket: Ticket) -> list[dict]:
    """Every message this request caused and whether it went out (shown on the request)."""
    from minxin.notify.models import EmailMessage, SmsMessage

    rows = []
    for channel, model in (("sms", SmsMessage), ("email", EmailMessage)):
        for m in model.objects.filter(ticket=ticket).order_by("id"):
            rows.append(
                {
                    "channel": channel,
                    "event": m.event,
                    "status": m.status,
                    "attempts": m.attempts,
                    "created_at": m.created_at,
                    "sent_at": m.sent_at,
                }
            )
    return rows


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


@router.get("/queues/{name}", response={200: list[TicketSummaryOut], **ERRORS})
def queue(
    request: HttpRequest,
    name: str,
    offset: int = Query(0, ge=0, le=100000),
    limit: int = Query(50, ge=1, le=200),
) -> list[dict]:
    """Sort and filter with the workbench's parameters (docs/api.md, "Queue parameters")."""
    query = listing.parse(request.GET)
    tickets = selectors.queue(user=_user(request), name=name)
    tickets = listing.sorted_list(
        listing.narrow(tickets, query), query.sort, alarm_first=name == "intake"
    )
    return [summary(t) for t in tickets[offset : offset + limit]]


@router.get("/requests/{ticket_id}", response={200: StaffTicketOut, **ERRORS})
def get_request(request: HttpRequest, ticket_id: int) -> dict:
    user = _user(request)
    return detail(selectors.ticket_for_staff(user=user, ticket_id=ticket_id), user)


def _act(
    request: HttpRequest, ticket_id: int, service: Callable[..., object], **kwargs: object
) -> dict:
    user = _user(request)
    # Reads and writes share one scope: a request you cannot see is one you cannot touch.
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    service(ticket_id=ticket_id, actor=Actor.staff(user), **kwargs)
    # The answer shows the result even when the action ends this user's access (退回).
    ticket.refresh_from_db()
    return detail(ticket, user)


@router.post("/requests/{ticket_id}/accept", response={200: StaffTicketOut, **ERRORS})
def accept(request: HttpRequest, ticket_id: int, payload: AcceptIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_accept,
        category_id=payload.category_id,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/reject", response={200: StaffTicketOut, **ERRORS})
def reject(request: HttpRequest, ticket_id: int, payload: RejectIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_reject,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/request-info", response={200: StaffTicketOut, **ERRORS})
def request_info(request: HttpRequest, ticket_id: int, payload: RequestInfoIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_request_info,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/answer", response={200: StaffTicketOut, **ERRORS})
def answer(request: HttpRequest, ticket_id: int, payload: AnswerIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_answer,
        public_reply=payload.public_reply,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/dispatch", response={200: StaffTicketOut, **ERRORS})
def dispatch(request: HttpRequest, ticket_id: int, payload: DispatchIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_dispatch,
        lead_unit_id=payload.lead_unit_id,
        co_unit_ids=payload.co_unit_ids,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/sign", response={200: StaffTicketOut, **ERRORS})
def sign(request: HttpRequest, ticket_id: int, payload: VersionIn) -> dict:
    return _act(request, ticket_id, svc.ticket_sign, expected_version=payload.expected_version)


@router.post("/requests/{ticket_id}/return", response={200: StaffTicketOut, **ERRORS})
def return_(request: HttpRequest, ticket_id: int, payload: ReasonIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_return,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/reply", response={200: StaffTicketOut, **ERRORS})
def reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_reply,
        facts=payload.facts,
        solved=payload.solved,
        unsolved_reason=payload.unsolved_reason,
        public_reply=payload.public_reply,
        proceed_reason=payload.proceed_reason,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/unit-approve", response={200: StaffTicketOut, **ERRORS})
def unit_approve(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict:
    return _act(
        request,
        ticket_id,
        unit_review.ticket_unit_approve,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/unit-send-back", response={200: StaffTicketOut, **ERRORS})
def unit_send_back(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict:
    return _act(
        request,
        ticket_id,
        unit_review.ticket_unit_send_back,
        note=payload.note,
        expected_version=payload.expected_version,
    )


# 协办: a co-handling unit's part. No expected_version: a part's own state guards it, and a
# co-unit acting does not make the lead's view of the request stale.


@router.post("/requests/{ticket_id}/co-sign", response={200: StaffTicketOut, **ERRORS})
def co_sign(request: HttpRequest, ticket_id: int) -> dict:
    return _act(request, ticket_id, cohandling.co_part_sign)


@router.post("/requests/{ticket_id}/co-opinion", response={200: StaffTicketOut, **ERRORS})
def co_opinion(request: HttpRequest, ticket_id: int, payload: CoOpinionIn) -> dict:
    return _act(request, ticket_id, cohandling.co_part_opinion, note=payload.note)


@router.post("/requests/{ticket_id}/co-return", response={200: StaffTicketOut, **ERRORS})
def co_return(request: HttpRequest, ticket_id: int, payload: ReasonIn) -> dict:
    return _act(request, ticket_id, cohandling.co_part_return, reason=payload.reason)


@router.post("/requests/{ticket_id}/co-decision", response={200: StaffTicketOut, **ERRORS})
def co_decide(request: HttpRequest, ticket_id: int, payload: CoDecisionIn) -> dict:
    return _act(
        request,
        ticket_id,
        cohandling.co_part_decide,
        unit_id=payload.unit_id,
        keep=payload.keep,
        note=payload.note,
    )


@router.post("/requests/{ticket_id}/approve", response={200: StaffTicketOut, **ERRORS})
def approve(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_approve,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/send-back", response={200: StaffTicketOut, **ERRORS})
def send_back(request: HttpRequest, ticket_id: int, payload: NoteIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_send_back,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/callback", response={200: StaffTicketOut, **ERRORS})
def callback(request: HttpRequest, ticket_id: int, payload: StaffRatingIn) -> dict:
    return _act(
        request,
        ticket_id,
        svc.ticket_rate,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
    )


@router.post("/requests/{ticket_id}/close-unrated", response={200: StaffTicketOut, **ERRORS})
def close_unrated(request: HttpRequest, ticket_id: int) -> dict:
    return _act(request, ticket_id, svc.ticket_close_unrated)


@router.post("/requests/{ticket_id}/archive", response={200: StaffTicketOut, **ERRORS})
def archive(request: HttpRequest, ticket_id: int) -> dict:
    return _act(request, ticket_id, svc.ticket_archive)


@router.post("/requests/{ticket_id}/extensions", response={200: StaffTicketOut, **ERRORS})
def request_extension(request: HttpRequest, ticket_id: int, payload: ExtensionIn) -> dict:
    return _act(
        request, ticket_id, svc.ticket_request_extension, days=payload.days, reason=payload.reason
    )


@router.post("/requests/{ticket_id}/merge", response={200: StaffTicketOut, **ERRORS})
def merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> dict:
    selectors.ticket_for_staff(user=_user(request), ticket_id=payload.into_id)
    return _act(request, ticket_id, svc.ticket_merge, into_id=payload.into_id, note=payload.note)


@router.post("/extensions/{extension_id}/decision", response={200: StaffTicketOut, **ERRORS})
def decide_extension(request: HttpRequest, extension_id: int, payload: DecisionIn) -> dict:
    from minxin.tickets.models import Extension

    ext = Extension.objects.filter(pk=extension_id).first()
    if ext is None:
        raise ValidationFailed("延期申请不存在", code="not_found", status=404)
    user = _user(request)
    selectors.ticket_for_staff(user=user, ticket_id=ext.ticket_id)
    svc.ticket_decide_extension(
        extension_id=extension_id,
        actor=Actor.staff(user),
        approve=payload.approve,
        note=payload.note,
    )
    return detail(selectors.ticket_for_staff(user=user, ticket_id=ext.ticket_id), user)


staff_auth = StaffToken()
