"""Similar cases for citizens; duplicates and risk signals of a request for staff.

Mounted in `api.py`:
    api.add_router("/staff", insight.router, auth=staff.staff_auth)
    api.add_router("/", insight.public_router)
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from minxin.accounts.http import StaffRequest
from minxin.api.staff import ERRORS
from minxin.api.ticket_out import StaffTicketOut
from minxin.core.api_errors import ErrorOut
from minxin.core.errors import NotFound
from minxin.risk.selectors import insight_for
from minxin.similar import selectors as similar_selectors
from minxin.similar.models import DuplicateFlag
from minxin.similar.services import duplicate_dismiss, duplicate_merge, similar_cases
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.selectors import ticket_for_staff

router = Router(tags=["insight"])
public_router = Router(tags=["insight"])


class SimilarCaseOut(Schema):
    source: str = Field(..., description="case：公开案例库；ticket：本平台已办结诉求")
    id: int
    title: str
    excerpt: str
    reply_excerpt: str
    reply_date: dt.datetime | None
    score: float


class OtherTicketOut(Schema):
    id: int
    display_code: str
    title: str
    status: str
    created_at: dt.datetime


class DuplicateOut(Schema):
    id: int
    kind: str
    kind_label: str
    score: float
    resolved: bool
    created_at: dt.datetime
    direction: str = Field(
        ..., description="earlier：本件疑似重复于更早的诉求；later：更晚的诉求疑似重复本件"
    )
    other: OtherTicketOut


class TermMatchOut(Schema):
    term: str
    kind: str = Field(..., description="anger | urgency | danger")
    weight: float
    category: str
    count: float


class GroupOut(Schema):
    """A group request (群体性诉求): this many about one matter in one district."""

    count: int
    ticket_ids: list[int]
    hours: int


class SignalsOut(Schema):
    terms: list[TermMatchOut] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    group: GroupOut | None = None


class InsightOut(Schema):
    ticket_id: int
    anger: float
    urgency: float
    danger: float
    risk_level: str
    risk_label: str
    signals: SignalsOut
    keywords: list[str]
    computed_at: dt.datetime


class MergeFlagIn(Schema):
    note: str = Field("", max_length=500)


@public_router.get("/similar-cases", response={200: list[SimilarCaseOut], 422: ErrorOut})
def cases_like(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=2000),
    k: int = Query(5, ge=1, le=20),
) -> list[dict]:
    """智能预判: how problems like the citizen's keywords or draft were handled."""
    return similar_cases(q, k)


@router.get("/requests/{ticket_id}/duplicates", response={200: list[DuplicateOut], **ERRORS})
def duplicates(request: StaffRequest, ticket_id: int) -> list[dict]:
    user = request.user
    ticket = ticket_for_staff(user=user, ticket_id=ticket_id)
    return similar_selectors.duplicate_flags_for(ticket, user=user)


def _flag_in_scope(request: StaffRequest, flag_id: int) -> DuplicateFlag:
    # Both requests must be visible to the caller, as for a merge from the request page.
    flag = DuplicateFlag.objects.filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("疑似重复记录不存在", code="flag_not_found")
    ticket_for_staff(user=request.user, ticket_id=flag.ticket_id)
    ticket_for_staff(user=request.user, ticket_id=flag.similar_to_id)
    return flag


@router.post("/duplicates/{flag_id}/merge", response={200: StaffTicketOut, **ERRORS})
def merge_duplicate(request: StaffRequest, flag_id: int, payload: MergeFlagIn) -> Ticket:
    flag = _flag_in_scope(request, flag_id)
    duplicate_merge(flag_id=flag.pk, actor=Actor.staff(request.user), note=payload.note)
    return ticket_for_staff(user=request.user, ticket_id=flag.ticket_id)


@router.post("/duplicates/{flag_id}/dismiss", response={200: list[DuplicateOut], **ERRORS})
def dismiss_duplicate(request: StaffRequest, flag_id: int) -> list[dict]:
    flag = _flag_in_scope(request, flag_id)
    duplicate_dismiss(flag_id=flag.pk, actor=Actor.staff(request.user))
    ticket = ticket_for_staff(user=request.user, ticket_id=flag.ticket_id)
    return similar_selectors.duplicate_flags_for(ticket, user=request.user)


@router.get("/requests/{ticket_id}/insight", response={200: InsightOut, **ERRORS})
def insight(request: StaffRequest, ticket_id: int) -> dict:
    ticket = ticket_for_staff(user=request.user, ticket_id=ticket_id)
    found = insight_for(ticket)
    if found is None:
        raise NotFound("该诉求尚无研判结果", code="insight_not_found")
    return {
        "ticket_id": ticket.pk,
        "anger": found.anger,
        "urgency": found.urgency,
        "danger": found.danger,
        "risk_level": found.risk_level,
        "risk_label": found.get_risk_level_display(),
        "signals": found.signals,
        "keywords": found.keywords,
        "computed_at": found.computed_at,
    }
