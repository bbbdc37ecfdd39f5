"""Every change of a request's state happens here, and only here.

Each service: checks the actor's role and unit, locks the row, validates the transition
against `workflow.TRANSITIONS`, writes, appends to the timeline, and queues side effects
to run after commit. Two staff acting at once: the second finds the state moved and gets
a Conflict, never a silent double action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, ValidationFailed
from minxin.core.validation import check_text
from minxin.notify.services import inbox_post, render, sms_queue
from minxin.org.models import Unit
from minxin.sla.deadlines import due_after, paused_workdays, shift_due
from minxin.tickets.actors import Actor
from minxin.tickets.cohandling import co_dispatched_notice, co_parts_start, proceed_check
from minxin.tickets.models import (
    Assignment,
    Extension,
    Reply,
    Satisfaction,
    Stage,
    Status,
    Ticket,
)
from minxin.tickets.policy import deadline_days, dispatch_due, rating_due, review_due, sign_due
from minxin.tickets.timeline import date_text, record
from minxin.tickets.unit_review import reply_target
from minxin.tickets.workflow import Action, require_allowed

A = Action
MAX_EXTENSIONS = 2
MAX_EXTENSION_DAYS = 15


# ---- shared steps -----------------------------------------------------------------------


def _lock(ticket_id: int, expected_version: int | None = None) -> Ticket:
    try:
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise NotFound("诉求不存在", code="ticket_not_found") from exc
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict("该诉求已被他人更新，请刷新后重试", code="stale_version")
    return ticket


def _staff_unit(actor: Actor) -> Unit | None:
    """The unit a staff member acts for (the table has already checked it is allowed)."""
    return actor.user.unit if actor.user is not None and actor.user.unit_id else None


def _move(
    ticket: Ticket,
    *,
    actor: Actor,
    action: str,
    to: str,
    note: str = "",
    public_note: str = "",
    public: bool = True,
    unit: Unit | None = None,
    fields: Iterable[str] = (),
) -> None:
    """Change the state and record the step: `note` internal, `public_note` for the citizen."""
    from_status = ticket.status
    ticket.status = to
    ticket.version += 1
    ticket.save(update_fields=["status", "version", *fields])
    record(
        ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        note=note,
        public_note=public_note,
        public=public,
        unit=unit,
    )


def _notify_citizen(ticket: Ticket, event: str, public_note: str = "") -> None:
    """An SMS to a real-name submitter, worded by the event's (editable) template. Only text
    written for the citizen may be passed: the template's {note} reaches their phone."""
    if not ticket.submitter_phone:
        return
    due = timezone.localdate(ticket.due_at) if ticket.due_at else ""
    text = render(
        event,
        code=ticket.display_code,
        title=ticket.title,
        note=public_note[:60],
        due=f"{due:%Y年%m月%d日}" if due else "",
        link=f"{settings.SITE_URL}/track/?code={ticket.tracking_code}",
    )
    sms_queue(
        phone=ticket.submitter_phone,
        purpose=event,
        event=event,
        ticket_id=ticket.pk,
        key=f"{event}:{ticket.pk}:{ticket.version}",
        text=text,
    )


def _notify_unit(ticket: Ticket, unit: Unit, event: str) -> None:
    due = timezone.localtime(ticket.stage_due_at) if ticket.stage_due_at else None
    text = render(
        event,
        code=ticket.display_code,
        title=ticket.title,
        unit=unit.name,
        due=f"{due:%Y-%m-%d %H:%M}" if due else "",
    )
    inbox_post(
        key=f"{event}:{ticket.pk}:{ticket.version}:{unit.pk}",
        event=event,
        text=text,
        unit_id=unit.pk,
        ticket_id=ticket.pk,
    )


STAGE_FIELDS = ["stage", "stage_due_at", "stage_started_at", "stage_warn_at", "warn_level"]


def _set_stage(ticket: Ticket, stage: str, due: dt.datetime | None) -> list[str]:
    """Start a stage clock; its yellow warning falls at WARN_SHARE of the time allowed."""
    now = clock.now()
    ticket.stage, ticket.stage_due_at, ticket.stage_started_at = stage, due, now
    ticket.stage_warn_at = warn_moment(now, due)
    ticket.warn_level = 0
    return STAGE_FIELDS


def warn_moment(start: dt.datetime, due: dt.datetime | None) -> dt.datetime | None:
    if due is None:
        return None
    return start + (due - start) * settings.DEADLINE_WARN_SHARE if due > start else due


def _shift_stage(ticket: Ticket, working_days: int) -> list[str]:
    """Move the current stage's clock later (a pause ended, an extension was approved)."""
    if working_days <= 0 or ticket.stage_due_at is None:
        return []
    ticket.stage_due_at = shift_due(ticket.stage_due_at, working_days)
    ticket.stage_warn_at = warn_moment(ticket.stage_started_at or clock.now(), ticket.stage_due_at)
    ticket.warn_level = 0 if ticket.stage_warn_at > clock.now() else min(ticket.warn_level, 1)
    return ["stage_due_at", "stage_warn_at", "warn_level"]


# ---- intake (受理) ------------------------------------------------------------------------


@transaction.atomic
def ticket_accept(
    *,
    ticket_id: int,
    actor: Actor,
    category_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    ticket = _lock(ticket_id, expected_version)
    # The system accepts when it dispatches automatically (routing).
    to = require_allowed(actor, ticket, A.ACCEPT)
    _learn(ticket, actor, category_id=ticket.category_id if category_id is None else category_id)
    fields = _accept_fields(ticket, category_id)
    _move(ticket, actor=actor, action="accept", to=to, note=note, fields=fields)
    _notify_citizen(ticket, "accepted")
    return ticket


def _accept_fields(ticket: Ticket, category_id: int | None) -> list[str]:
    from minxin.org.models import Category

    if category_id is not None:
        if not Category.objects.filter(pk=category_id, is_active=True).exists():
            raise ValidationFailed("分类不存在", code="invalid_category", field="category_id")
        ticket.category_id = category_id
    ticket.accepted_at = clock.now()
    ticket.due_at = due_after(ticket.accepted_at, deadline_days(ticket))
    due = dispatch_due(ticket, ticket.accepted_at, since=ticket.created_at)
    return ["category", "accepted_at", "due_at", *_set_stage(ticket, Stage.DISPATCH, due)]


@transaction.atomic
def ticket_reject(
    *, ticket_id: int, actor: Actor, reason: str, expected_version: int | None = None
) -> Ticket:
    reason = check_text(reason, field="reason", label="不予受理的理由", max_length=1000)
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.REJECT)
    ticket.closed_at = clock.now()
    fields = ["closed_at", *_set_stage(ticket, Stage.NONE, None)]
    _move(ticket, actor=actor, action="reject", to=to, public_note=reason, fields=fields)
    _notify_citizen(ticket, "rejected", reason)
    return ticket


@transaction.atomic
def ticket_request_info(
    *, ticket_id: int, actor: Actor, note: str, expected_version: int | None = None
) -> Ticket:
    note = check_text(note, field="note", label="需要补充的材料", max_length=1000)
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.REQUEST_INFO)
    ticket.resume_status, ticket.paused_at = ticket.status, clock.now()
    _move(
        ticket,
        actor=actor,
        action="request_info",
        to=to,
        public_note=note,
        fields=["resume_status", "paused_at"],
    )
    _notify_citizen(ticket, "pending_info", note)
    return ticket


@transaction.atomic
def ticket_supplement(*, ticket_id: int, actor: Actor, note: str) -> Ticket:
    """The citizen adds material; the clock resumes, moved on by the working days paused."""
    note = check_text(note, field="note", label="补充内容", max_length=5000)
    ticket = _lock(ticket_id)
    require_allowed(actor, ticket, A.SUPPLEMENT)
    paused = paused_workdays(ticket.paused_at, clock.now()) if ticket.paused_at else 0
    if paused and ticket.due_at:
        ticket.due_at = shift_due(ticket.due_at, paused)
    fields = _shift_stage(ticket, paused)
    to, ticket.resume_status, ticket.paused_at = ticket.resume_status, "", None
    _move(
        ticket,
        actor=actor,
        action="supplement",
        to=to,
        public_note=note,
        fields=["due_at", "resume_status", "paused_at", *fields],
    )
    return ticket


@transaction.atomic
def ticket_answer(
    *, ticket_id: int, actor: Actor, public_reply: str, expected_version: int | None = None
) -> Ticket:
    """A consultation answered at intake: published at once, no unit involved."""
    public_reply = check_text(public_reply, field="public_reply", label="答复内容")
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.ANSWER)
    if not ticket.request_type.direct_answer:
        raise Conflict("只有咨询类诉求可以在受理时直接答复", code="direct_answer_not_allowed")
    now = clock.now()
    fields = [] if ticket.accepted_at else _accept_fields(ticket, None)
    Reply.objects.create(
        ticket=ticket,
        author=actor.user,
        unit=actor.user.unit,
        facts="受理时直接答复",
        solved=True,
        public_reply=public_reply,
        created_at=now,
        review=Reply.Review.APPROVED,
        reviewed_by=actor.user,
        published_at=now,
    )
    fields += _set_stage(ticket, Stage.RATE, rating_due(ticket, now))
    _move(ticket, actor=actor, action="answer", to=to, fields=fields)
    _notify_citizen(ticket, "published")
    _notify_merged(ticket)
    return ticket


# ---- dispatch (派遣) ----------------------------------------------------------------------


@transaction.atomic
def ticket_dispatch(
    *,
    ticket_id: int,
    actor: Actor,
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    lead, co_units = _check_units(lead_unit_id, co_unit_ids)
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.DISPATCH)
    _learn(ticket, actor, category_id=ticket.category_id, lead_unit_id=lead.pk)
    fields = [] if ticket.accepted_at else _accept_fields(ticket, None)
    now = clock.now()
    ticket.assignments.filter(active=True).update(active=False)
    lead_part = Assignment(ticket=ticket, unit=lead, role=Assignment.Role.LEAD, created_at=now)
    parts = Assignment.objects.bulk_create([lead_part, *co_parts_start(ticket, co_units, now)])
    ticket.lead_unit = lead
    fields += ["lead_unit", *_set_stage(ticket, Stage.SIGN, sign_due(ticket, now))]
    names = "、".join(u.name for u in co_units)
    text = (
        f"主办：{lead.name}" + (f"；协办：{names}" if names else "") + (f"。{note}" if note else "")
    )
    _move(
        ticket,
        actor=actor,
        action="dispatch",
        to=to,
        note=text,
        public_note=lead.name,
        fields=fields,
    )
    _notify_unit(ticket, lead, "dispatched")
    for part in parts[1:]:
        co_dispatched_notice(ticket, part)
    return ticket


def _learn(ticket: Ticket, actor: Actor, **choice: int | None) -> None:
    """A dispatcher's choice against the platform's suggestion, recorded before the request
    changes (routing.feedback; it never raises)."""
    if actor.user is not None:
        from minxin.routing.feedback import feedback_record

        feedback_record(ticket=ticket, user=actor.user, **choice)


def _check_units(lead_unit_id: int, co_unit_ids: Iterable[int]) -> tuple[Unit, list[Unit]]:
    co_ids = [i for i in dict.fromkeys(co_unit_ids) if i != lead_unit_id]
    units = Unit.objects.in_bulk([lead_unit_id, *co_ids])
    if lead_unit_id not in units or not units[lead_unit_id].is_active:
        raise ValidationFailed("主办单位不存在", code="invalid_unit", field="lead_unit_id")
    if len(co_ids) > 10 or any(i not in units or not units[i].is_active for i in co_ids):
        raise ValidationFailed("协办单位不存在", code="invalid_unit", field="co_unit_ids")
    return units[lead_unit_id], [units[i] for i in co_ids]


# ---- the handling unit (承办单位) -----------------------------------------------------------


@transaction.atomic
def ticket_sign(*, ticket_id: int, actor: Actor, expected_version: int | None = None) -> Ticket:
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.SIGN)
    unit = _staff_unit(actor)
    fields = _set_stage(ticket, Stage.REPLY, ticket.due_at)
    _move(ticket, actor=actor, action="sign", to=to, unit=unit, fields=fields)
    return ticket


@transaction.atomic
def ticket_return(
    *, ticket_id: int, actor: Actor, reason: str, expected_version: int | None = None
) -> Ticket:
    """退回: the unit says the matter is not theirs; the dispatch centre decides again."""
    reason = check_text(reason, field="reason", label="退回理由", max_length=1000)
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.RETURN)
    unit = _staff_unit(actor)
    ticket.assignments.filter(active=True).update(active=False)
    ticket.lead_unit = None
    fields = ["lead_unit", *_set_stage(ticket, Stage.DISPATCH, dispatch_due(ticket, clock.now()))]
    _move(
        ticket,
        actor=actor,
        action="return",
        to=to,
        note=reason,
        unit=unit,
        fields=fields,
        public=False,
    )
    return ticket


@transaction.atomic
def ticket_reply(
    *,
    ticket_id: int,
    actor: Actor,
    facts: str,
    solved: bool,
    public_reply: str,
    unsolved_reason: str = "",
    proceed_reason: str = "",
    expected_version: int | None = None,
) -> Reply:
    """The unit's result, to the centre's review, or first to its head where the lead unit
    asks for 单位审核 (a unit head's own reply goes straight on). While a co-handling part is
    open the lead must say why it goes ahead (`proceed_reason`)."""
    facts = check_text(facts, field="facts", label="调查核实情况")
    public_reply = check_text(public_reply, field="public_reply", label="公开答复")
    if not solved:
        unsolved_reason = check_text(unsolved_reason, field="unsolved_reason", label="未解决原因")
    ticket = _lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.REPLY)
    unit = _staff_unit(actor)
    proceed_check(ticket, actor=actor, proceed_reason=proceed_reason)
    to = reply_target(ticket, actor)
    reply = Reply.objects.create(
        ticket=ticket,
        unit=unit,
        author=actor.user,
        facts=facts,
        solved=solved,
        unsolved_reason=unsolved_reason.strip(),
        public_reply=public_reply,
        created_at=clock.now(),
    )
    # Under 单位审核 the handling stage's clock runs on; the review clock starts on approval.
    fields = review_stage(ticket) if to == Status.REPLIED else []
    _move(
        ticket,
        actor=actor,
        action="reply",
        to=to,
        unit=unit,
        fields=fields,
        note="已解决" if solved else f"未解决：{unsolved_reason.strip()}",
    )
    if to == Status.UNIT_REVIEW and ticket.lead_unit is not None:
        _notify_unit(ticket, ticket.lead_unit, "unit_review")
    return reply


def review_stage(ticket: Ticket) -> list[str]:
    return _set_stage(ticket, Stage.REVIEW, review_due(ticket, clock.now()))


@transaction.atomic
def ticket_request_extension(
    *, ticket_id: int, actor: Actor, days: int, reason: str, expected_version: int | None = None
) -> Extension:
    reason = check_text(reason, field="reason", label="延期理由", max_length=1000)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ValidationFailed(
            f"延期天数应为1至{MAX_EXTENSION_DAYS}个工作日", code="invalid_days", field="days"
        )
    ticket = _lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.REQUEST_EXTENSION)
    unit = _staff_unit(actor)
    if ticket.extensions.filter(decision=Extension.Decision.PENDING).exists():
        raise Conflict("已有待审批的延期申请", code="extension_pending")
    if ticket.extensions.count() >= MAX_EXTENSIONS:
        raise Conflict(f"每件诉求最多申请{MAX_EXTENSIONS}次延期", code="extension_limit")
    ext = Extension.objects.create(
        ticket=ticket,
        unit=unit,
        requested_by=actor.user,
        days=days,
        reason=reason,
        created_at=clock.now(),
    )
    record(
        ticket,
        actor=actor,
        action="request_extension",
        unit=unit,
        public=False,
        note=f"申请延期{days}个工作日：{reason}",
    )
    return ext


@transaction.atomic
def ticket_decide_extension(
    *,
    extension_id: int,
    actor: Actor,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Extension:
    ext = Extension.objects.filter(pk=extension_id).first()
    if ext is None:
        raise NotFound("延期申请不存在", code="extension_not_found")
    ticket = _lock(ext.ticket_id, expected_version)
    require_allowed(actor, ticket, A.DECIDE_EXTENSION)
    ext = Extension.objects.select_for_update().get(pk=extension_id)
    if ext.decision != Extension.Decision.PENDING:
        raise Conflict("该延期申请已审批", code="extension_decided")
    ext.decision = Extension.Decision.APPROVED if approve else Extension.Decision.REFUSED
    ext.decided_by, ext.decided_at = actor.user, clock.now()
    ext.save(update_fields=["decision", "decided_by", "decided_at"])
    if approve:
        ticket.due_at = shift_due(ticket.due_at, ext.days)
        ticket.extension_days += ext.days
        fields = _shift_stage(ticket, ext.days) if ticket.stage == Stage.REPLY else []
        ticket.version += 1
        ticket.save(update_fields=["due_at", "extension_days", "version", *fields])
    verdict = f"批准延期{ext.days}个工作日" if approve else "不批准延期"
    record(
        ticket,
        actor=actor,
        action="decide_extension",
        note=f"{verdict}。{note}".strip("。"),
        public_note=date_text(ticket.due_at) if approve else "",
        public=approve,
    )
    return ext


# ---- review (审核) ------------------------------------------------------------------------


def _pending_reply(ticket: Ticket) -> Reply:
    reply = ticket.replies.filter(review=Reply.Review.PENDING).last()
    if reply is None:
        raise Conflict("没有待审核的答复", code="no_pending_reply")
    return reply


@transaction.atomic
def ticket_approve(
    *, ticket_id: int, actor: Actor, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.APPROVE)
    reply, now = _pending_reply(ticket), clock.now()
    reply.review, reply.reviewed_by, reply.review_note, reply.published_at = (
        Reply.Review.APPROVED,
        actor.user,
        note,
        now,
    )
    reply.save(update_fields=["review", "reviewed_by", "review_note", "published_at"])
    fields = _set_stage(ticket, Stage.RATE, rating_due(ticket, now))
    _move(ticket, actor=actor, action="approve", to=to, note=note, fields=fields)
    _notify_citizen(ticket, "published")
    _notify_merged(ticket)
    return ticket


@transaction.atomic
def ticket_send_back(
    *, ticket_id: int, actor: Actor, note: str, expected_version: int | None = None
) -> Ticket:
    note = check_text(note, field="note", label="退回重办意见", max_length=1000)
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.SEND_BACK)
    reply = _pending_reply(ticket)
    reply.review, reply.reviewed_by, reply.review_note = Reply.Review.SENT_BACK, actor.user, note
    reply.save(update_fields=["review", "reviewed_by", "review_note"])
    fields = _set_stage(ticket, Stage.REPLY, ticket.due_at)
    _move(ticket, actor=actor, action="send_back", to=to, note=note, fields=fields)
    return ticket


# ---- rating, callback, close, archive ------------------------------------------------------


@transaction.atomic
def ticket_rate(
    *,
    ticket_id: int,
    actor: Actor,
    satisfaction: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """满意/基本满意 closes the request; 不满意 reopens it to the same unit, up to a limit."""
    if satisfaction not in (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED):
        raise ValidationFailed(
            "请选择满意、基本满意或不满意", code="invalid_satisfaction", field="satisfaction"
        )
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ValidationFailed("评价意见不能超过500字", code="too_long", field="comment")
    ticket = _lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.RATE)
    ticket.satisfaction, ticket.rating_comment = satisfaction, comment
    ticket.rated_by = "callback" if actor.user else "citizen"
    label = Satisfaction(satisfaction).label + (f"：{comment}" if comment else "")
    fields = ["satisfaction", "rating_comment", "rated_by"]
    if satisfaction == Satisfaction.UNSATISFIED:
        _supervise_unsatisfied(ticket, actor=actor, note=label)
        if _can_reopen(ticket):
            return _reopen(ticket, actor=actor, note=label, fields=fields)
    ticket.closed_at = clock.now()
    fields += ["closed_at", *_set_stage(ticket, Stage.NONE, None)]
    _move(
        ticket,
        actor=actor,
        action="rate",
        to=Status.CLOSED,
        note=label,
        fields=fields,
        public_note=Satisfaction(satisfaction).label,
    )
    _orders_follow(ticket)
    return ticket


def _supervise_unsatisfied(ticket: Ticket, *, actor: Actor, note: str) -> None:
    from minxin.supervision.models import SupervisionOrder
    from minxin.supervision.services import open_order

    open_order(ticket, reason=SupervisionOrder.Reason.UNSATISFIED, actor=actor, note=note)


def _orders_follow(ticket: Ticket) -> None:
    from minxin.supervision.services import orders_follow

    orders_follow(ticket=ticket)


def _can_reopen(ticket: Ticket) -> bool:
    return ticket.reopen_count < settings.MAX_REOPENS and ticket.lead_unit_id is not None


def _reopen(ticket: Ticket, *, actor: Actor, note: str, fields: list[str]) -> Ticket:
    now = clock.now()
    ticket.reopen_count += 1
    ticket.due_at = due_after(now, deadline_days(ticket))
    fields += ["reopen_count", "due_at", *_set_stage(ticket, Stage.SIGN, sign_due(ticket, now))]
    _move(
        ticket,
        actor=actor,
        action="reopen",
        to=Status.DISPATCHED,
        fields=fields,
        note=f"第{ticket.reopen_count}次重办。{note}",
    )
    return ticket


@transaction.atomic
def ticket_close_unrated(
    *, ticket_id: int, actor: Actor, expected_version: int | None = None
) -> Ticket:
    """The callback window passed with no rating: close, recording "not rated", never a guess."""
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.CLOSE_UNRATED)
    ticket.satisfaction, ticket.rated_by, ticket.closed_at = (
        Satisfaction.NOT_RATED,
        "timeout",
        clock.now(),
    )
    fields = ["satisfaction", "rated_by", "closed_at", *_set_stage(ticket, Stage.NONE, None)]
    _move(ticket, actor=actor, action="close_unrated", to=to, note="逾期未评价", fields=fields)
    return ticket


@transaction.atomic
def ticket_archive(*, ticket_id: int, actor: Actor, expected_version: int | None = None) -> Ticket:
    ticket = _lock(ticket_id, expected_version)
    to = require_allowed(actor, ticket, A.ARCHIVE)
    _move(ticket, actor=actor, action="archive", to=to)
    return ticket


# ---- merging (并案) -------------------------------------------------------------------------


@transaction.atomic
def ticket_merge(*, ticket_id: int, into_id: int, actor: Actor, note: str = "") -> Ticket:
    """Handle `ticket_id` as part of `into_id`. Both keep their timelines; the merged
    request's citizen sees the other's progress and reply and is told when it is published."""
    if ticket_id == into_id:
        raise ValidationFailed("不能与自身并案", code="merge_self", field="into_id")
    first, second = sorted([ticket_id, into_id])  # lock in id order: no deadlock
    locked = {first: _lock(first), second: _lock(second)}
    ticket, primary = locked[ticket_id], locked[into_id]
    to = require_allowed(actor, ticket, A.MERGE)
    if primary.status in (Status.REJECTED, Status.MERGED, Status.ARCHIVED):
        raise Conflict("目标诉求已不予受理、已并案或已归档，不能并入", code="merge_target")
    ticket.merged_into, ticket.closed_at = primary, clock.now()
    fields = ["merged_into", "closed_at", *_set_stage(ticket, Stage.NONE, None)]
    _move(
        ticket,
        actor=actor,
        action="merge",
        to=to,
        fields=fields,
        note=f"并入诉求{primary.display_code}。{note}".strip("。"),
    )
    record(
        primary,
        actor=actor,
        action="merge",
        public=False,
        note=f"诉求{ticket.display_code}并入本件。{note}".strip("。"),
    )
    _notify_citizen(ticket, "merged", primary.display_code)
    return ticket


def _notify_merged(ticket: Ticket) -> None:
    """The citizens of requests merged into this one hear about its reply too."""
    for merged in ticket.merged.all():
        _notify_citizen(merged, "published")


# The shared steps, for the tickets app's other service modules (`unit_review`).
lock, move, pending_reply = _lock, _move, _pending_reply
