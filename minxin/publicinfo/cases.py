"""典型案例: a closed request nominated by staff, redacted, checked by a reviewer, published and
withdrawn. Each step is a step on the request's own timeline (internal, never shown to its
citizen), so it is witnessed by the audit chain like every other step.

Who may do what is in `tickets.workflow.PERMISSIONS` (case_nominate, case_publish,
case_withdraw): nominating is for the centre, reviewers, callback agents, supervisors and the
head of the unit that handled the request; publishing and withdrawing are for reviewers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from minxin.accounts.models import REVIEW_ROLES, User
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.publicinfo import redact, search
from minxin.publicinfo.models import CaseStatus, SearchEntry, TypicalCase
from minxin.tickets import selectors, timeline
from minxin.tickets.actors import Actor
from minxin.tickets.models import Reply, Status, Ticket
from minxin.tickets.workflow import Action as A
from minxin.tickets.workflow import require_allowed

NOMINABLE = frozenset({Status.CLOSED, Status.ARCHIVED})
TEXT_FIELDS = ("title", "problem", "handling", "reply")
MAX_CHARS = {"title": 100, "problem": 5000, "handling": 5000, "reply": 5000}


def case_nominate(*, user: User, ticket_id: int, reason: str = "") -> TypicalCase:
    """Nominate a closed request: its texts are redacted now; a reviewer publishes them."""
    actor = Actor.staff(user)
    if len(reason) > 500:
        raise ValidationFailed("推荐理由不能超过500字", field="reason")
    selectors.ticket_for_staff(user=user, ticket_id=ticket_id)  # 404 outside the user's scope
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
            require_allowed(actor, ticket, A.CASE_NOMINATE)
            _check_nominable(ticket)
            case = _create(ticket, user=user, reason=reason)
            timeline.record(
                ticket,
                actor=actor,
                action=A.CASE_NOMINATE,
                note=f"推荐为典型案例 #{case.pk}" + (f"：{reason}" if reason else ""),
                public=False,
            )
    except IntegrityError as exc:  # a nomination racing this one won
        raise _already() from exc
    return case


def _check_nominable(ticket: Ticket) -> None:
    if TypicalCase.objects.filter(ticket=ticket).exists():
        raise _already()
    if ticket.status not in NOMINABLE:
        raise Conflict("只有已办结或已归档的诉求可以推荐为典型案例", code="case_not_closed")


def _already() -> Conflict:
    return Conflict("该诉求已推荐为典型案例，不能重复推荐", code="case_already_nominated")


def _create(ticket: Ticket, *, user: User, reason: str) -> TypicalCase:
    reply = (
        Reply.objects.filter(ticket=ticket, published_at__isnull=False)
        .order_by("-published_at", "-id")
        .first()
    )
    if reply is None:
        raise Conflict("该诉求没有已公开的答复，不能作为典型案例", code="case_no_reply")
    texts = {
        "title": ticket.title,
        "problem": ticket.content,
        "handling": reply.facts,
        "reply": reply.public_reply,
    }
    found = [
        {"field": field, "kind": span.kind, "text": span.text}
        for field, text in texts.items()
        for span in redact.find(text)
    ]
    return TypicalCase.objects.create(
        ticket=ticket,
        **{field: redact.redact(text) for field, text in texts.items()},
        category=ticket.category,
        district=ticket.district,
        unit=reply.unit or ticket.lead_unit,
        found=found,
        reason=reason,
        nominated_by=user,
        nominated_at=clock.now(),
    )


def case_for_staff(*, user: User, case_id: int) -> TypicalCase:
    case = cases_for_staff(user).filter(pk=case_id).first()
    if case is None:
        raise NotFound("案例不存在或您无权查看", code="case_not_found")
    return case


def cases_for_staff(user: User) -> QuerySet[TypicalCase]:
    """Reviewers see every case; other staff the cases of requests they may see."""
    cases = TypicalCase.objects.select_related("ticket", "category", "district", "unit")
    if user.is_active and user.role in REVIEW_ROLES:
        return cases
    return cases.filter(ticket__in=selectors.tickets_visible_to(user).values("pk"))


def case_edit(
    *, user: User, case_id: int, data: dict[str, str], expected_version: int | None = None
) -> TypicalCase:
    """The reviewer's corrections. A published case is withdrawn before it is edited."""
    with transaction.atomic():
        case = _locked(user, case_id, A.CASE_PUBLISH, expected_version)
        if case.status == CaseStatus.PUBLISHED:
            raise Conflict("已公开的案例请先撤回再修改", code="case_published")
        for field in TEXT_FIELDS:
            value = (data.get(field) or "").strip()
            if not value:
                raise ValidationFailed("请填写完整的案例内容", field=field)
            if len(value) > MAX_CHARS[field]:
                raise ValidationFailed(f"不能超过{MAX_CHARS[field]}字", field=field)
            setattr(case, field, value)
        case.version += 1
        case.save(update_fields=[*TEXT_FIELDS, "version"])
    return case


def case_publish(
    *, user: User, case_id: int, confirmed: bool, expected_version: int | None = None
) -> TypicalCase:
    if not confirmed:
        raise ValidationFailed("请先逐项核对个人信息已隐去，再公开", field="confirmed")
    with transaction.atomic():
        case = _locked(user, case_id, A.CASE_PUBLISH, expected_version)
        if case.status == CaseStatus.PUBLISHED:
            raise Conflict("该案例已经公开", code="case_published")
        case.status, case.published_at, case.reviewed_by = CaseStatus.PUBLISHED, clock.now(), user
        case.withdrawn_at, case.version = None, case.version + 1
        case.save(
            update_fields=["status", "published_at", "reviewed_by", "withdrawn_at", "version"]
        )
        index(case)
        _record(case, user, A.CASE_PUBLISH, f"公开典型案例 #{case.pk}，内容摘要 {digest(case)}")
    return case


def case_withdraw(
    *, user: User, case_id: int, reason: str, expected_version: int | None = None
) -> TypicalCase:
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed("请填写撤回理由（500字以内）", field="reason")
    with transaction.atomic():
        case = _locked(user, case_id, A.CASE_WITHDRAW, expected_version)
        if case.status != CaseStatus.PUBLISHED:
            raise Conflict("只有已公开的案例可以撤回", code="case_not_published")
        case.status, case.withdrawn_at, case.withdraw_reason = (
            CaseStatus.WITHDRAWN,
            clock.now(),
            reason,
        )
        case.version += 1
        case.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "version"])
        search.entry_remove(kind=SearchEntry.Kind.CASE, ref_id=case.pk)
        _record(case, user, A.CASE_WITHDRAW, f"撤回典型案例 #{case.pk}：{reason}")
    return case


def _locked(user: User, case_id: int, action: A, expected_version: int | None) -> TypicalCase:
    case_for_staff(user=user, case_id=case_id)
    case = TypicalCase.objects.select_for_update().select_related("ticket").get(pk=case_id)
    require_allowed(Actor.staff(user), case.ticket, action)
    if expected_version is not None and expected_version != case.version:
        raise Conflict("案例已被他人修改，请刷新后重试", code="stale_version")
    return case


def _record(case: TypicalCase, user: User, action: A, note: str) -> None:
    timeline.record(case.ticket, actor=Actor.staff(user), action=action, note=note, public=False)


def digest(case: TypicalCase) -> str:
    """A short fingerprint of the published texts, kept on the audited timeline."""
    text = "\x1f".join(getattr(case, field) for field in TEXT_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def index(case: TypicalCase) -> None:
    search.entry_write(
        kind=SearchEntry.Kind.CASE,
        ref_id=case.pk,
        title=case.title,
        body="\n".join([case.problem, case.handling, case.reply]),
        url=f"/cases/{case.pk}/",
        updated_at=case.published_at or clock.now(),
        district_id=case.district_id,
        category_id=case.category.top.pk if case.category else None,
        unit_id=case.unit_id,
    )


def published_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).select_related(
        "category", "district", "unit"
    )


def case_public(case_id: int) -> TypicalCase:
    case = published_cases().filter(pk=case_id).first()
    if case is None:
        raise NotFound("案例不存在或已撤回", code="case_not_found")
    return case


def case_dict(case: TypicalCase) -> dict[str, Any]:
    """A published case as the API and pages show it."""
    return {
        "id": case.pk,
        "title": case.title,
        "problem": case.problem,
        "handling": case.handling,
        "reply": case.reply,
        "category": str(case.category) if case.category_id else None,
        "district": case.district.name if case.district else None,
        "unit": case.unit.name if case.unit else None,
        "published_at": case.published_at,
        "url": f"/cases/{case.pk}/",
    }
