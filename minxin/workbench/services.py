"""The workbench's writes. Workflow moves still happen only in `minxin.tickets.services`;
these functions add the page-level checks around them (scope, role, stale version) and
own the two records this app keeps (contact reveals, TOTP lives in `security`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.http import QueryDict

from minxin.accounts.models import User
from minxin.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from minxin.similar.models import DuplicateFlag
from minxin.similar.services import duplicate_dismiss, duplicate_merge
from minxin.tickets import selectors
from minxin.tickets.actions import Action
from minxin.tickets.actors import Actor
from minxin.tickets.codes import normalise
from minxin.tickets.models import Extension, Ticket
from minxin.tickets.services import ticket_dispatch
from minxin.tickets.workflow import may_act, role_may
from minxin.workbench.actions import ACTIONS, parse_int, parse_ints

STALE_MESSAGE = "该诉求已被他人更新，请查看最新状态后再操作"


def parse_version(raw: str | None) -> int:
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationFailed("页面已过期，请刷新后重试", code="missing_version", field="version")
    return int(raw)


def ticket_act(*, user: User, ticket_id: int, action: str, data: QueryDict) -> None:
    """Run one workflow action posted from a page, as `user`, on a request they can see."""
    ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
    if not may_act(user, ticket, action):
        raise PermissionDenied("您没有执行此操作的权限", code="forbidden_action")
    spec = ACTIONS[action]
    version = parse_version(data.get("version"))
    kwargs = spec.parse(data)
    if spec.versioned:
        kwargs["expected_version"] = version
    elif spec.stale_check and ticket.version != version:
        # These services take no version; check here so a stale page still says so.
        raise Conflict(STALE_MESSAGE, code="stale_version")
    if action == "decide_extension":
        _check_extension(ticket, kwargs["extension_id"])
    else:
        kwargs["ticket_id"] = ticket.pk
    if action == "merge":
        kwargs["into_id"] = merge_target(user, kwargs.pop("into"))
    spec.service(actor=Actor.staff(user), **kwargs)


def _check_extension(ticket: Ticket, extension_id: int) -> None:
    if not Extension.objects.filter(pk=extension_id, ticket_id=ticket.pk).exists():
        raise NotFound("延期申请不存在", code="extension_not_found")


def merge_target(user: User, raw: str) -> int:
    """The request to merge into, named by its tracking code or its id, among those the
    user can see (a request outside their scope reads as not found)."""
    raw = (raw or "").strip().lstrip("#")
    if not raw:
        raise ValidationFailed("请填写要并入的诉求的查询码或编号", code="required", field="into_id")
    visible = selectors.tickets_visible_to(user)
    code = normalise(raw)
    found = (
        visible.filter(tracking_code=code).values_list("pk", flat=True).first() if code else None
    )
    if found is None and raw.isdigit() and len(raw) <= 18:
        found = visible.filter(pk=int(raw)).values_list("pk", flat=True).first()
    if found is None:
        raise ValidationFailed(
            "没有找到该诉求，请核对查询码或编号", code="merge_target_not_found", field="into_id"
        )
    return found


def duplicate_resolve(*, user: User, flag_id: int, merge: bool, note: str = "") -> DuplicateFlag:
    """并案 or "不是重复" from the request page. Both requests must be in the user's scope
    (not found otherwise); the similar app checks the role and that the flag is still open."""
    flag = DuplicateFlag.objects.filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("疑似重复记录不存在", code="flag_not_found")
    selectors.ticket_for_staff(user=user, ticket_id=flag.ticket_id)
    selectors.ticket_for_staff(user=user, ticket_id=flag.similar_to_id)
    if merge:
        duplicate_merge(flag_id=flag.pk, actor=Actor.staff(user), note=note.strip()[:500])
    else:
        duplicate_dismiss(flag_id=flag.pk, actor=Actor.staff(user))
    return flag


@transaction.atomic
@dataclass(frozen=True)
class BulkResult:
    ticket_id: int
    code: str
    ok: bool
    message: str
    conflict: bool = False


MAX_BULK = 100


def tickets_bulk_dispatch(
    *,
    user: User,
    items: Iterable[tuple[int, int]],
    lead_unit_id: int,
    co_unit_ids: Iterable[int] = (),
) -> list[BulkResult]:
    """Dispatch each (ticket id, version) on its own, so one conflict does not undo the rest."""
    if not role_may(user, Action.DISPATCH):
        raise PermissionDenied("只有受理派遣人员可以批量派遣", code="forbidden_role")
    co_ids = list(co_unit_ids)
    return [
        _dispatch_one(user, ticket_id, version, lead_unit_id, co_ids)
        for ticket_id, version in items
    ]


def _dispatch_one(
    user: User, ticket_id: int, version: int, lead_unit_id: int, co_ids: list[int]
) -> BulkResult:
    code = str(ticket_id)
    try:
        ticket = selectors.ticket_for_staff(user=user, ticket_id=ticket_id)
        code = ticket.display_code
        ticket_dispatch(
            ticket_id=ticket.pk,
            actor=Actor.staff(user),
            lead_unit_id=lead_unit_id,
            co_unit_ids=co_ids,
            expected_version=version,
        )
    except DomainError as exc:
        return BulkResult(ticket_id, code, False, exc.message, isinstance(exc, Conflict))
    return BulkResult(ticket_id, code, True, "已派遣")


def tickets_bulk_dispatch_form(*, user: User, data: QueryDict) -> list[BulkResult]:
    """Read the intake queue's bulk form: ticket ids, each with the version the page showed."""
    ids = parse_ints(data, "ticket", "诉求")
    if not ids:
        raise ValidationFailed("请至少选择一件诉求", code="required", field="ticket")
    if len(ids) > MAX_BULK:
        raise ValidationFailed(f"一次最多派遣{MAX_BULK}件", code="too_many", field="ticket")
    items = [(i, parse_version(data.get(f"version_{i}"))) for i in dict.fromkeys(ids)]
    lead = parse_int(data, "lead_unit_id", "主办单位")
    return tickets_bulk_dispatch(
        user=user,
        items=items,
        lead_unit_id=lead or 0,
        co_unit_ids=parse_ints(data, "co_unit_ids", "协办单位"),
    )
