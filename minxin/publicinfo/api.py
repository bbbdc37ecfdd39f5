"""API of the public services (docs/api.md, "Public services").

Mounted in `minxin.api.api`:
    api.add_router("/", publicinfo.api.public_router)
    api.add_router("/staff", publicinfo.api.staff_router, auth=staff.staff_auth)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from minxin.accounts.http import StaffRequest
from minxin.core.api_errors import ErrorOut
from minxin.publicinfo import assistant, cases, guides, public, search
from minxin.publicinfo.models import TypicalCase

public_router = Router(tags=["public"])
staff_router = Router(tags=["public"])
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 429)}
MAX_ID = 2**53  # ids beyond any table's; larger numbers are refused before they reach SQL
Id = Path(..., ge=1, le=MAX_ID)


class CaseOut(Schema):
    id: int
    title: str
    problem: str
    handling: str
    reply: str
    category: str | None
    district: str | None
    unit: str | None
    published_at: dt.datetime | None
    url: str


class CaseListOut(Schema):
    page: int
    has_next: bool
    results: list[CaseOut]


class CaseFilter(Schema):
    q: str = Field("", max_length=100, description="关键词（结巴分词，全部命中）")
    category: int | None = Field(
        None, ge=1, le=MAX_ID, description="分类编号（一级分类，含其子分类）"
    )
    district: int | None = Field(None, ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="办理单位编号")
    page: int = Field(1, ge=1, le=public.MAX_PAGE)


@public_router.get("/cases", response={200: CaseListOut, **ERRORS})
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """Published typical cases: newest first, or best first for `q`."""
    page = public.case_page(
        q=filters.q,
        category_id=filters.category,
        district_id=filters.district,
        unit_id=filters.unit,
        page=filters.page,
    )
    return {
        "page": page.number,
        "has_next": page.has_next,
        "results": [cases.case_dict(c) for c in page.rows],
    }


@public_router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def case_detail(request: HttpRequest, case_id: int = Id) -> dict[str, Any]:
    return cases.case_dict(cases.case_public(case_id))


class HitOut(Schema):
    kind: str
    kind_label: str
    title: str
    snippet: str
    url: str
    score: float


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=100)
    kind: list[str] = Field(default_factory=list, description="case, guide, notice, policy")
    page: int = Field(1, ge=1, le=public.MAX_PAGE)


@public_router.get("/search", response={200: list[HitOut], **ERRORS})
def search_all(request: HttpRequest, params: Query[SearchQuery]) -> list[dict[str, Any]]:
    """One search over everything public, best first, 20 a page."""
    hits = search.search(
        params.q,
        kinds=params.kind or None,
        limit=public.PAGE_SIZE,
        offset=(params.page - 1) * public.PAGE_SIZE,
    )
    return [search.hit_dict(hit) for hit in hits]


class GuideOut(Schema):
    id: int
    title: str
    unit: str
    summary: str
    materials: list[str]
    steps: list[str]
    fees: str
    time_limit: str
    office: str
    hours: str
    contact: str
    updated_at: dt.datetime
    helpful_yes: int
    helpful_no: int
    url: str


class NoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    area: str
    unit: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    url: str


class FeedbackIn(Schema):
    helpful: bool
    comment: str = Field("", max_length=500)


@public_router.get("/guides", response={200: list[GuideOut], **ERRORS})
def guide_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every published guide, by title (search them with `GET /search?kind=guide`)."""
    return [guides.guide_dict(g) for g in public.published_guides().order_by("title", "id")]


@public_router.get("/guides/{guide_id}", response={200: GuideOut, **ERRORS})
def guide_detail(request: HttpRequest, guide_id: int = Id) -> dict[str, Any]:
    return guides.guide_dict(guides.guide_public(guide_id))


@public_router.post("/guides/{guide_id}/feedback", response={200: GuideOut, **ERRORS})
def guide_feedback(request: HttpRequest, payload: FeedbackIn, guide_id: int = Id) -> dict[str, Any]:
    """这个指南有帮助吗: one answer per browser session (cookie); 409 `already_voted`."""
    if not request.session.session_key:
        request.session.save()
    guide = guides.guide_vote(
        guide_id=guide_id,
        session_key=request.session.session_key or "",
        helpful=payload.helpful,
        comment=payload.comment,
    )
    return guides.guide_dict(guide)


@public_router.get("/notices", response={200: list[NoticeOut], **ERRORS})
def notice_list(request: HttpRequest) -> list[dict[str, Any]]:
    """便民信息 in force now or coming, soonest first."""
    return [guides.notice_dict(n) for n in public.current_notices()[:200]]


class QuestionIn(Schema):
    question: str = Field(..., max_length=assistant.MAX_QUESTION)


class SourceOut(Schema):
    title: str
    url: str
    score: float


class AnswerOut(Schema):
    answer: str
    answered: bool = Field(..., description="false：没有找到能回答的内容，answer 如实说明")
    sources: list[SourceOut]
    request_url: str = Field(..., description="预填了问题的咨询诉求表单")


@public_router.post("/assistant", response={200: AnswerOut, **ERRORS})
def ask(request: HttpRequest, payload: QuestionIn) -> dict[str, Any]:
    """智能客服: an answer from what is public, with its sources (at most 3, best first)."""
    return assistant.answer(payload.question)


# ---- staff ------------------------------------------------------------------------------


class FoundOut(Schema):
    """One piece of personal data the redaction masked: where, what kind, the text."""

    field: str
    kind: str
    text: str


class StaffCaseOut(CaseOut):
    status: str
    ticket_id: int
    found: list[FoundOut]
    reason: str
    version: int


def staff_case(case: TypicalCase) -> dict[str, Any]:
    return {
        **cases.case_dict(case),
        "status": case.status,
        "ticket_id": case.ticket_id,
        "found": case.found,
        "reason": case.reason,
        "version": case.version,
    }


class NominateIn(Schema):
    reason: str = Field("", max_length=500)


class CaseEditIn(Schema):
    title: str = Field(..., max_length=100)
    problem: str = Field(..., max_length=5000)
    handling: str = Field(..., max_length=5000)
    reply: str = Field(..., max_length=5000)
    expected_version: int | None = None


class PublishIn(Schema):
    confirmed: bool = Field(..., description="审核人员已逐项核对个人信息已隐去")
    expected_version: int | None = None


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=500)
    expected_version: int | None = None


@staff_router.post("/requests/{ticket_id}/nominate", response={201: StaffCaseOut, **ERRORS})
def nominate(request: StaffRequest, payload: NominateIn, ticket_id: int = Id) -> Status:
    """Nominate a closed request as a typical case (409 `case_already_nominated` twice)."""
    case = cases.case_nominate(user=request.user, ticket_id=ticket_id, reason=payload.reason)
    return Status(201, staff_case(case))


@staff_router.get("/cases", response={200: list[StaffCaseOut], **ERRORS})
def staff_cases(request: StaffRequest, status: str = "nominated") -> list[dict[str, Any]]:
    rows = cases.cases_for_staff(request.user).filter(status=status)
    return [staff_case(c) for c in rows.order_by("-nominated_at", "-id")[:100]]


@staff_router.get("/cases/{case_id}", response={200: StaffCaseOut, **ERRORS})
def staff_case_detail(request: StaffRequest, case_id: int = Id) -> dict[str, Any]:
    return staff_case(cases.case_for_staff(user=request.user, case_id=case_id))


@staff_router.put("/cases/{case_id}", response={200: StaffCaseOut, **ERRORS})
def case_edit(request: StaffRequest, payload: CaseEditIn, case_id: int = Id) -> dict[str, Any]:
    data = payload.dict(exclude={"expected_version"})
    case = cases.case_edit(
        user=request.user, case_id=case_id, data=data, expected_version=payload.expected_version
    )
    return staff_case(case)


@staff_router.post("/cases/{case_id}/publish", response={200: StaffCaseOut, **ERRORS})
def case_publish(request: StaffRequest, payload: PublishIn, case_id: int = Id) -> dict[str, Any]:
    case = cases.case_publish(
        user=request.user,
        case_id=case_id,
        confirmed=payload.confirmed,
        expected_version=payload.expected_version,
    )
    return staff_case(case)


@staff_router.post("/cases/{case_id}/withdraw", response={200: StaffCaseOut, **ERRORS})
def case_withdraw(request: StaffRequest, payload: WithdrawIn, case_id: int = Id) -> dict[str, Any]:
    case = cases.case_withdraw(
        user=request.user,
        case_id=case_id,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return staff_case(case)
