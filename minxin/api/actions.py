"""Staff endpoints for every workflow action on a request: each one calls its service
through `staff.act` and answers with the request as it is now."""

from __future__ import annotations

from ninja import Router

from minxin.accounts.http import StaffRequest
from minxin.api.schemas import (
    AcceptIn,
    AnswerIn,
    CoDecisionIn,
    CoOpinionIn,
    DecisionIn,
    DispatchIn,
    ExtensionIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    RejectIn,
    ReplyIn,
    RequestInfoIn,
    StaffRatingIn,
    VersionIn,
)
from minxin.api.staff import ERRORS, act
from minxin.api.ticket_out import StaffTicketOut
from minxin.core.errors import ValidationFailed
from minxin.tickets import cohandling, selectors, unit_review
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Extension, Ticket

router = Router(tags=["staff"])


@router.post("/requests/{ticket_id}/accept", response={200: StaffTicketOut, **ERRORS})
def accept(request: StaffRequest, ticket_id: int, payload: AcceptIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_accept,
        category_id=payload.category_id,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/reject", response={200: StaffTicketOut, **ERRORS})
def reject(request: StaffRequest, ticket_id: int, payload: RejectIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_reject,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/request-info", response={200: StaffTicketOut, **ERRORS})
def request_info(request: StaffRequest, ticket_id: int, payload: RequestInfoIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_request_info,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/answer", response={200: StaffTicketOut, **ERRORS})
def answer(request: StaffRequest, ticket_id: int, payload: AnswerIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_answer,
        public_reply=payload.public_reply,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/dispatch", response={200: StaffTicketOut, **ERRORS})
def dispatch(request: StaffRequest, ticket_id: int, payload: DispatchIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_dispatch,
        lead_unit_id=payload.lead_unit_id,
        co_unit_ids=payload.co_unit_ids,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/sign", response={200: StaffTicketOut, **ERRORS})
def sign(request: StaffRequest, ticket_id: int, payload: VersionIn) -> Ticket:
    return act(request, ticket_id, svc.ticket_sign, expected_version=payload.expected_version)


@router.post("/requests/{ticket_id}/return", response={200: StaffTicketOut, **ERRORS})
def return_(request: StaffRequest, ticket_id: int, payload: ReasonIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_return,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/reply", response={200: StaffTicketOut, **ERRORS})
def reply(request: StaffRequest, ticket_id: int, payload: ReplyIn) -> Ticket:
    return act(
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
def unit_approve(request: StaffRequest, ticket_id: int, payload: NoteIn) -> Ticket:
    return act(
        request,
        ticket_id,
        unit_review.ticket_unit_approve,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/unit-send-back", response={200: StaffTicketOut, **ERRORS})
def unit_send_back(request: StaffRequest, ticket_id: int, payload: NoteIn) -> Ticket:
    return act(
        request,
        ticket_id,
        unit_review.ticket_unit_send_back,
        note=payload.note,
        expected_version=payload.expected_version,
    )


# 协办: a co-handling unit's part. No expected_version: a part's own state guards it, and a
# co-unit acting does not make the lead's view of the request stale.


@router.post("/requests/{ticket_id}/co-sign", response={200: StaffTicketOut, **ERRORS})
def co_sign(request: StaffRequest, ticket_id: int) -> Ticket:
    return act(request, ticket_id, cohandling.co_part_sign)


@router.post("/requests/{ticket_id}/co-opinion", response={200: StaffTicketOut, **ERRORS})
def co_opinion(request: StaffRequest, ticket_id: int, payload: CoOpinionIn) -> Ticket:
    return act(request, ticket_id, cohandling.co_part_opinion, note=payload.note)


@router.post("/requests/{ticket_id}/co-return", response={200: StaffTicketOut, **ERRORS})
def co_return(request: StaffRequest, ticket_id: int, payload: ReasonIn) -> Ticket:
    return act(request, ticket_id, cohandling.co_part_return, reason=payload.reason)


@router.post("/requests/{ticket_id}/co-decision", response={200: StaffTicketOut, **ERRORS})
def co_decide(request: StaffRequest, ticket_id: int, payload: CoDecisionIn) -> Ticket:
    return act(
        request,
        ticket_id,
        cohandling.co_part_decide,
        unit_id=payload.unit_id,
        keep=payload.keep,
        note=payload.note,
    )


@router.post("/requests/{ticket_id}/approve", response={200: StaffTicketOut, **ERRORS})
def approve(request: StaffRequest, ticket_id: int, payload: NoteIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_approve,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/send-back", response={200: StaffTicketOut, **ERRORS})
def send_back(request: StaffRequest, ticket_id: int, payload: NoteIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_send_back,
        note=payload.note,
        expected_version=payload.expected_version,
    )


@router.post("/requests/{ticket_id}/callback", response={200: StaffTicketOut, **ERRORS})
def callback(request: StaffRequest, ticket_id: int, payload: StaffRatingIn) -> Ticket:
    return act(
        request,
        ticket_id,
        svc.ticket_rate,
        satisfaction=payload.satisfaction,
        comment=payload.comment,
    )


@router.post("/requests/{ticket_id}/close-unrated", response={200: StaffTicketOut, **ERRORS})
def close_unrated(request: StaffRequest, ticket_id: int) -> Ticket:
    return act(request, ticket_id, svc.ticket_close_unrated)


@router.post("/requests/{ticket_id}/archive", response={200: StaffTicketOut, **ERRORS})
def archive(request: StaffRequest, ticket_id: int) -> Ticket:
    return act(request, ticket_id, svc.ticket_archive)


@router.post("/requests/{ticket_id}/extensions", response={200: StaffTicketOut, **ERRORS})
def request_extension(request: StaffRequest, ticket_id: int, payload: ExtensionIn) -> Ticket:
    return act(
        request, ticket_id, svc.ticket_request_extension, days=payload.days, reason=payload.reason
    )


@router.post("/requests/{ticket_id}/merge", response={200: StaffTicketOut, **ERRORS})
def merge(request: StaffRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    selectors.ticket_for_staff(user=request.user, ticket_id=payload.into_id)
    return act(request, ticket_id, svc.ticket_merge, into_id=payload.into_id, note=payload.note)


@router.post("/extensions/{extension_id}/decision", response={200: StaffTicketOut, **ERRORS})
def decide_extension(request: StaffRequest, extension_id: int, payload: DecisionIn) -> Ticket:
    ext = Extension.objects.filter(pk=extension_id).first()
    if ext is None:
        raise ValidationFailed("延期申请不存在", code="not_found", status=404)
    user = request.user
    selectors.ticket_for_staff(user=user, ticket_id=ext.ticket_id)
    svc.ticket_decide_extension(
        extension_id=extension_id,
        actor=Actor.staff(user),
        approve=payload.approve,
        note=payload.note,
    )
    return selectors.ticket_for_staff(user=user, ticket_id=ext.ticket_id)
