"""Every change of a request's state happens here, and only here.

Each service: checks the actor's role and unit, locks the row, validates the transition
against `workflow.TRANSITIONS`, writes, appends to the timeline, and queues side effects
to run after commit. Two staff acting at once: the second finds the state moved and gets
a Conflict, never a silent double action.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from minxin.core import clock
from minxin.core.errors import Conflict, ValidationFailed
from minxin.core.validation import check_text
from minxin.org.models import Category
from minxin.sla.deadlines import due_after, paused_workdays, shift_due
from minxin.tickets import extensions, rating
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.clocks import review_stage, set_stage, shift_stage, stop_clocks
from minxin.tickets.cohandling import co_dispatched_notice, parts_start, proceed_check
from minxin.tickets.models import Extension, Reply, Satisfaction, Stage, Status, Ticket
from minxin.tickets.notices import notify_citizen, notify_merged, notify_unit
from minxin.tickets.policy import deadline_days, dispatch_due, rating_due, sign_due
from minxin.tickets.replies import pending_reply, reply_publish, reply_send_back, reply_write
from minxin.tickets.steps import check_units, learn_choice, lock, move, require_move, staff_unit
from minxin.tickets.timeline import date_text, record
from minxin.tickets.unit_review import reply_target
from minxin.tickets.workflow import require_allowed

A = Action


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
    ticket = lock(ticket_id, expected_version)
    # The system accepts when it dispatches automatically (routing).
    to = require_move(actor, ticket, A.ACCEPT)
    learn_choice(
        ticket, actor, category_id=ticket.category_id if category_id is None else category_id
    )
    fields = _accept_fields(ticket, category_id)
    move(ticket, actor=actor, action="accept", to=to, note=note, fields=fields)
    notify_citizen(ticket, "accepted")
    return ticket


def _accept_fields(ticket: Ticket, category_id: int | None) -> list[str]:
    if category_id is not None:
        if not Category.objects.filter(pk=category_id, is_active=True).exists():
            raise ValidationFailed("分类不存在", code="invalid_category", field="category_id")
        ticket.category_id = category_id
    ticket.accepted_at = clock.now()
    ticket.due_at = due_after(ticket.accepted_at, deadline_days(ticket))
    due = dispatch_due(ticket, ticket.accepted_at, since=ticket.created_at)
    return ["category", "accepted_at", "due_at", *set_stage(ticket, Stage.DISPATCH, due)]


@transaction.atomic
def ticket_reject(
    *, ticket_id: int, actor: Actor, reason: str, expected_version: int | None = None
) -> Ticket:
    reason = check_text(reason, field="reason", label="不予受理的理由", max_length=1000)
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.REJECT)
    fields = stop_clocks(ticket)
    move(ticket, actor=actor, action="reject", to=to, public_note=reason, fields=fields)
    notify_citizen(ticket, "rejected", reason)
    return ticket


@transaction.atomic
def ticket_request_info(
    *, ticket_id: int, actor: Actor, note: str, expected_version: int | None = None
) -> Ticket:
    note = check_text(note, field="note", label="需要补充的材料", max_length=1000)
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.REQUEST_INFO)
    ticket.resume_status, ticket.paused_at = ticket.status, clock.now()
    fields = ["resume_status", "paused_at"]
    move(ticket, actor=actor, action="request_info", to=to, public_note=note, fields=fields)
    notify_citizen(ticket, "pending_info", note)
    return ticket


@transaction.atomic
def ticket_supplement(*, ticket_id: int, actor: Actor, note: str) -> Ticket:
    """The citizen adds material; the clock resumes, moved on by the working days paused."""
    note = check_text(note, field="note", label="补充内容", max_length=5000)
    ticket = lock(ticket_id)
    require_allowed(actor, ticket, A.SUPPLEMENT)
    paused = paused_workdays(ticket.paused_at, clock.now()) if ticket.paused_at else 0
    if paused and ticket.due_at:
        ticket.due_at = shift_due(ticket.due_at, paused)
    fields = ["due_at", "resume_status", "paused_at", *shift_stage(ticket, paused)]
    to, ticket.resume_status, ticket.paused_at = ticket.resume_status, "", None
    move(ticket, actor=actor, action="supplement", to=to, public_note=note, fields=fields)
    return ticket


@transaction.atomic
def ticket_answer(
    *, ticket_id: int, actor: Actor, public_reply: str, expected_version: int | None = None
) -> Ticket:
    """A consultation answered at intake: published at once, no unit involved."""
    public_reply = check_text(public_reply, field="public_reply", label="答复内容")
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.ANSWER)
    if not ticket.request_type.direct_answer:
        raise Conflict("只有咨询类诉求可以在受理时直接答复", code="direct_answer_not_allowed")
    fields = [] if ticket.accepted_at else _accept_fields(ticket, None)
    reply = reply_write(
        ticket,
        by=actor.member,
        unit=actor.member.unit,
        facts="受理时直接答复",
        solved=True,
        public_reply=public_reply,
        published=True,
    )
    # Published as it is written: its rating window runs from that moment.
    fields += set_stage(ticket, Stage.RATE, rating_due(ticket, reply.created_at))
    move(ticket, actor=actor, action="answer", to=to, fields=fields)
    notify_citizen(ticket, "published")
    notify_merged(ticket)
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
    lead, co_units = check_units(lead_unit_id, co_unit_ids)
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.DISPATCH)
    learn_choice(ticket, actor, category_id=ticket.category_id, lead_unit_id=lead.pk)
    fields = [] if ticket.accepted_at else _accept_fields(ticket, None)
    co_parts = parts_start(ticket, lead, co_units)
    ticket.lead_unit = lead
    fields += ["lead_unit", *set_stage(ticket, Stage.SIGN, sign_due(ticket, clock.now()))]
    names = "、".join(u.name for u in co_units)
    text = (
        f"主办：{lead.name}" + (f"；协办：{names}" if names else "") + (f"。{note}" if note else "")
    )
    shown = lead.name
    move(ticket, actor=actor, action="dispatch", to=to, note=text, public_note=shown, fields=fields)
    notify_unit(ticket, lead, "dispatched")
    for part in co_parts:
        co_dispatched_notice(ticket, part)
    return ticket


# ---- the handling unit (承办单位) -----------------------------------------------------------


@transaction.atomic
def ticket_sign(*, ticket_id: int, actor: Actor, expected_version: int | None = None) -> Ticket:
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.SIGN)
    fields = set_stage(ticket, Stage.REPLY, ticket.due_at)
    move(ticket, actor=actor, action="sign", to=to, fields=fields)
    return ticket


@transaction.atomic
def ticket_return(
    *, ticket_id: int, actor: Actor, reason: str, expected_version: int | None = None
) -> Ticket:
    """退回: the unit says the matter is not theirs; the dispatch centre decides again."""
    reason = check_text(reason, field="reason", label="退回理由", max_length=1000)
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.RETURN)
    ticket.assignments.filter(active=True).update(active=False)
    ticket.lead_unit = None
    fields = ["lead_unit", *set_stage(ticket, Stage.DISPATCH, dispatch_due(ticket, clock.now()))]
    move(ticket, actor=actor, action="return", to=to, note=reason, fields=fields, public=False)
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
    ticket = lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.REPLY)
    unit = staff_unit(actor)
    proceed_check(ticket, actor=actor, proceed_reason=proceed_reason)
    to = reply_target(ticket, actor)
    unsolved_reason = unsolved_reason.strip()
    reply = reply_write(
        ticket,
        by=actor.member,
        unit=unit,
        facts=facts,
        solved=solved,
        public_reply=public_reply,
        unsolved_reason=unsolved_reason,
    )
    # Under 单位审核 the handling stage's clock runs on; the review clock starts on approval.
    fields = review_stage(ticket) if to == Status.REPLIED else []
    result = "已解决" if solved else f"未解决：{unsolved_reason}"
    move(ticket, actor=actor, action="reply", to=to, fields=fields, note=result)
    if to == Status.UNIT_REVIEW and ticket.lead_unit is not None:
        notify_unit(ticket, ticket.lead_unit, "unit_review")
    return reply


@transaction.atomic
def ticket_request_extension(
    *, ticket_id: int, actor: Actor, days: int, reason: str, expected_version: int | None = None
) -> Extension:
    reason = check_text(reason, field="reason", label="延期理由", max_length=1000)
    extensions.check_days(days)
    ticket = lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.REQUEST_EXTENSION)
    return extensions.extension_open(ticket, actor=actor, days=days, reason=reason)


@transaction.atomic
def ticket_decide_extension(
    *,
    extension_id: int,
    actor: Actor,
    approve: bool,
    note: str = "",
    expected_version: int | None = None,
) -> Extension:
    ticket = lock(extensions.extension_ticket_id(extension_id), expected_version)
    require_allowed(actor, ticket, A.DECIDE_EXTENSION)
    ext = extensions.extension_settle(extension_id, actor=actor, approve=approve)
    if approve:
        ticket.due_at = ticket.due_at and shift_due(ticket.due_at, ext.days)
        ticket.extension_days += ext.days
        fields = shift_stage(ticket, ext.days) if ticket.stage == Stage.REPLY else []
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


@transaction.atomic
def ticket_approve(
    *, ticket_id: int, actor: Actor, note: str = "", expected_version: int | None = None
) -> Ticket:
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.APPROVE)
    now = reply_publish(pending_reply(ticket), by=actor.user, note=note)
    fields = set_stage(ticket, Stage.RATE, rating_due(ticket, now))
    move(ticket, actor=actor, action="approve", to=to, note=note, fields=fields)
    notify_citizen(ticket, "published")
    notify_merged(ticket)
    return ticket


@transaction.atomic
def ticket_send_back(
    *, ticket_id: int, actor: Actor, note: str, expected_version: int | None = None
) -> Ticket:
    note = check_text(note, field="note", label="退回重办意见", max_length=1000)
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.SEND_BACK)
    reply_send_back(pending_reply(ticket), by=actor.user, note=note)
    fields = set_stage(ticket, Stage.REPLY, ticket.due_at)
    move(ticket, actor=actor, action="send_back", to=to, note=note, fields=fields)
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
    comment = rating.check_rating(satisfaction, comment)
    ticket = lock(ticket_id, expected_version)
    require_allowed(actor, ticket, A.RATE)
    ticket.satisfaction, ticket.rating_comment = satisfaction, comment
    ticket.rated_by = "callback" if actor.user else "citizen"
    label = Satisfaction(satisfaction).label + (f"：{comment}" if comment else "")
    fields = ["satisfaction", "rating_comment", "rated_by"]
    if satisfaction == Satisfaction.UNSATISFIED:
        rating.supervise_unsatisfied(ticket, actor=actor, note=label)
        if rating.may_reopen(ticket):
            return rating.reopen(ticket, actor=actor, note=label, fields=fields)
    fields += stop_clocks(ticket)
    shown = Satisfaction(satisfaction).label
    move(
        ticket,
        actor=actor,
        action="rate",
        to=Status.CLOSED,
        note=label,
        public_note=shown,
        fields=fields,
    )
    rating.orders_follow(ticket)
    return ticket


@transaction.atomic
def ticket_close_unrated(
    *, ticket_id: int, actor: Actor, expected_version: int | None = None
) -> Ticket:
    """The callback window passed with no rating: close, recording "not rated", never a guess."""
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.CLOSE_UNRATED)
    ticket.satisfaction, ticket.rated_by = Satisfaction.NOT_RATED, "timeout"
    fields = ["satisfaction", "rated_by", *stop_clocks(ticket)]
    move(ticket, actor=actor, action="close_unrated", to=to, note="逾期未评价", fields=fields)
    return ticket


@transaction.atomic
def ticket_archive(*, ticket_id: int, actor: Actor, expected_version: int | None = None) -> Ticket:
    ticket = lock(ticket_id, expected_version)
    to = require_move(actor, ticket, A.ARCHIVE)
    move(ticket, actor=actor, action="archive", to=to)
    return ticket


# ---- merging (并案) -------------------------------------------------------------------------


@transaction.atomic
def ticket_merge(*, ticket_id: int, into_id: int, actor: Actor, note: str = "") -> Ticket:
    """Handle `ticket_id` as part of `into_id`. Both keep their timelines; the merged
    request's citizen sees the other's progress and reply and is told when it is published."""
    if ticket_id == into_id:
        raise ValidationFailed("不能与自身并案", code="merge_self", field="into_id")
    first, second = sorted([ticket_id, into_id])  # lock in id order: no deadlock
    locked = {first: lock(first), second: lock(second)}
    ticket, primary = locked[ticket_id], locked[into_id]
    to = require_move(actor, ticket, A.MERGE)
    if primary.status in (Status.REJECTED, Status.MERGED, Status.ARCHIVED):
        raise Conflict("目标诉求已不予受理、已并案或已归档，不能并入", code="merge_target")
    ticket.merged_into = primary
    fields = ["merged_into", *stop_clocks(ticket)]
    text = f"并入诉求{primary.display_code}。{note}".strip("。")
    move(ticket, actor=actor, action="merge", to=to, fields=fields, note=text)
    text = f"诉求{ticket.display_code}并入本件。{note}".strip("。")
    record(primary, actor=actor, action="merge", public=False, note=text)
    notify_citizen(ticket, "merged", primary.display_code)
    return ticket
