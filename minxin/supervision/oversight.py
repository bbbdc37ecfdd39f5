"""The oversight group (监督小组): cases shared with members, and their evaluations."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from minxin.accounts.models import Role, User
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from minxin.supervision.models import OversightEvaluation
from minxin.tickets.actors import Actor
from minxin.tickets.models import OversightShare, Status, Ticket
from minxin.tickets.timeline import record

Verdict = OversightEvaluation.Verdict
SHAREABLE = {Status.PUBLISHED, Status.CLOSED, Status.ARCHIVED}


@transaction.atomic
def oversight_share(*, ticket_id: int, actor: Actor, member_ids: list[int]) -> int:
    if not actor.has_role(Role.ADMIN, Role.SUPERVISOR):
        raise PermissionDenied("只有管理员或督办人员可以提交评议", code="forbidden_role")
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound("诉求不存在", code="ticket_not_found")
    if ticket.status not in SHAREABLE:
        raise Conflict("只有已答复或已办结的诉求可以提交监督小组评议", code="not_shareable")
    members = list(User.objects.filter(pk__in=member_ids, role=Role.OVERSIGHT, is_active=True))
    if not members:
        raise ValidationFailed("请选择监督小组成员", code="required", field="member_ids")
    made = sum(OversightShare.objects.get_or_create(ticket=ticket, member=m)[1] for m in members)
    names = "、".join(str(m) for m in members)
    record(ticket, actor=actor, action="oversight_share", public=False, note=f"提交评议：{names}")
    return made


@transaction.atomic
def oversight_evaluate(
    *, ticket_id: int, actor: Actor, timeliness: str, quality: str, attitude: str, comment: str = ""
) -> OversightEvaluation:
    if not actor.has_role(Role.OVERSIGHT):
        raise PermissionDenied("只有监督小组成员可以评议", code="forbidden_role")
    if not OversightShare.objects.filter(ticket_id=ticket_id, member=actor.user).exists():
        raise NotFound("诉求不存在或未提交给您评议", code="ticket_not_found")
    for field, value in (("timeliness", timeliness), ("quality", quality), ("attitude", attitude)):
        if value not in Verdict.values:
            raise ValidationFailed("请选择好、一般或差", code="invalid_verdict", field=field)
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationFailed("评议意见不能超过2000字", code="too_long", field="comment")
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    try:
        with transaction.atomic():
            evaluation = OversightEvaluation.objects.create(
                ticket=ticket,
                member=actor.member,
                unit_id=ticket.lead_unit_id,
                timeliness=timeliness,
                quality=quality,
                attitude=attitude,
                comment=comment,
                created_at=clock.now(),
            )
    except IntegrityError as exc:
        raise Conflict("您已评议过该诉求", code="already_evaluated") from exc
    record(
        ticket,
        actor=actor,
        action="oversight_evaluate",
        public=False,
        note=f"时效{Verdict(timeliness).label}，质量{Verdict(quality).label}，"
        f"态度{Verdict(attitude).label}。{comment}",
    )
    return evaluation
