"""Staff endpoints for every workflow action on a request: each one calls its service
through `staff.act` and answers with the request as it is now.

The plain actions are one table, `ACTIONS`: the path, the endpoint's name (its OpenAPI
operation), the service and the body, whose fields are the service's keyword arguments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ninja import Router, Schema

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
RESPONSES = {200: StaffTicketOut, **ERRORS}


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str
    service: Callable[..., object]
    body: type[Schema] | None = None
    unused: frozenset[str] = frozenset()  # fields of the body the service does not take


# 协办 (co-sign … co-decision): a co-handling unit's part. No expected_version: a part's own
# state guards it, and a co-unit acting does not make the lead's view of the request stale.
ACTIONS = [
    Endpoint("accept", "accept", svc.ticket_accept, AcceptIn),
    Endpoint("reject", "reject", svc.ticket_reject, RejectIn),
    Endpoint("request-info", "request_info", svc.ticket_request_info, RequestInfoIn),
    Endpoint("answer", "answer", svc.ticket_answer, AnswerIn),
    Endpoint("dispatch", "dispatch", svc.ticket_dispatch, DispatchIn),
    Endpoint("sign", "sign", svc.ticket_sign, VersionIn),
    Endpoint("return", "return_", svc.ticket_return, ReasonIn),
    Endpoint("reply", "reply", svc.ticket_reply, ReplyIn),
    Endpoint("unit-approve", "unit_approve", unit_review.ticket_unit_approve, NoteIn),
    Endpoint("unit-send-back", "unit_send_back", unit_review.ticket_unit_send_back, NoteIn),
    Endpoint("co-sign", "co_sign", cohandling.co_part_sign),
    Endpoint("co-opinion", "co_opinion", cohandling.co_part_opinion, CoOpinionIn),
    Endpoint(
        "co-return",
        "co_return",
        cohandling.co_part_return,
        ReasonIn,
        unused=frozenset({"expected_version"}),
    ),
    Endpoint("co-decision", "co_decide", cohandling.co_part_decide, CoDecisionIn),
    Endpoint("approve", "approve", svc.ticket_approve, NoteIn),
    Endpoint("send-back", "send_back", svc.ticket_send_back, NoteIn),
    Endpoint("callback", "callback", svc.ticket_rate, StaffRatingIn),
    Endpoint("close-unrated", "close_unrated", svc.ticket_close_unrated),
    Endpoint("archive", "archive", svc.ticket_archive),
    Endpoint("extensions", "request_extension", svc.ticket_request_extension, ExtensionIn),
]


def _view(endpoint: Endpoint) -> Callable[..., Ticket]:
    """The endpoint's view, its body (if any) declared for ninja as the `payload` argument."""
    body = endpoint.body
    view: Callable[..., Ticket]
    if body is None:

        def bare(request: StaffRequest, ticket_id: int) -> Ticket:
            return act(request, ticket_id, endpoint.service)

        view = bare
    else:

        def with_body(request: StaffRequest, ticket_id: int, payload: Schema) -> Ticket:
            fields = payload.dict(exclude=set(endpoint.unused))
            return act(request, ticket_id, endpoint.service, **fields)

        with_body.__annotations__["payload"] = body
        view = with_body
    view.__name__ = view.__qualname__ = endpoint.name
    return view


for _endpoint in ACTIONS:
    router.post(f"/requests/{{ticket_id}}/{_endpoint.path}", response=RESPONSES)(_view(_endpoint))


@router.post("/requests/{ticket_id}/merge", response=RESPONSES)
def merge(request: StaffRequest, ticket_id: int, payload: MergeIn) -> Ticket:
    selectors.ticket_for_staff(user=request.user, ticket_id=payload.into_id)
    return act(request, ticket_id, svc.ticket_merge, into_id=payload.into_id, note=payload.note)


@router.post("/extensions/{extension_id}/decision", response=RESPONSES)
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
