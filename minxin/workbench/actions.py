"""The workflow actions the workbench can post: how each form is read and which service
it calls. One table, so every action page behaves the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from minxin.core.errors import ValidationFailed
from minxin.tickets import cohandling, unit_review
from minxin.tickets import services as svc

Parser = Callable[[QueryDict], dict[str, Any]]


@dataclass(frozen=True)
class ActionSpec:
    service: Callable[..., object]
    parse: Parser
    done: str  # the message shown after success
    # Services that take `expected_version` check staleness under the row lock themselves.
    versioned: bool = True
    # A co-handling part is guarded by its own state, not the request's version: the lead
    # acting meanwhile does not make a co-unit's form stale (tickets.cohandling).
    stale_check: bool = True


def parse_int(data: QueryDict, field: str, label: str, *, required: bool = True) -> int | None:
    raw = (data.get(field) or "").strip()
    if not raw:
        if required:
            raise ValidationFailed(f"请选择{label}", code="required", field=field)
        return None
    return _id(raw, field, label)


def parse_ints(data: QueryDict, field: str, label: str) -> list[int]:
    return [_id(v.strip(), field, label) for v in data.getlist(field) if v.strip()]


def _id(raw: str, field: str, label: str) -> int:
    # Bounded, so a forged 30-digit value is a form error rather than a database overflow.
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationFailed(f"{label}无效", code="invalid", field=field)
    return int(raw)


def _text(data: QueryDict, field: str) -> str:
    return data.get(field, "")


def _none(data: QueryDict) -> dict[str, Any]:
    return {}


def _accept(data: QueryDict) -> dict[str, Any]:
    return {
        "category_id": parse_int(data, "category_id", "分类", required=False),
        "note": _text(data, "note"),
    }


def _dispatch(data: QueryDict) -> dict[str, Any]:
    return {
        "lead_unit_id": parse_int(data, "lead_unit_id", "主办单位"),
        "co_unit_ids": parse_ints(data, "co_unit_ids", "协办单位"),
        "note": _text(data, "note"),
    }


def _reply(data: QueryDict) -> dict[str, Any]:
    solved = data.get("solved")
    if solved not in ("1", "0"):
        raise ValidationFailed("请选择是否已解决", code="required", field="solved")
    return {
        "facts": _text(data, "facts"),
        "solved": solved == "1",
        "unsolved_reason": _text(data, "unsolved_reason"),
        "public_reply": _text(data, "public_reply"),
        "proceed_reason": _text(data, "proceed_reason"),
    }


def _rate(data: QueryDict) -> dict[str, Any]:
    return {"satisfaction": _text(data, "satisfaction"), "comment": _text(data, "comment")}


def _extension(data: QueryDict) -> dict[str, Any]:
    return {"days": parse_int(data, "days", "延期天数"), "reason": _text(data, "reason")}


def _decision(data: QueryDict) -> dict[str, Any]:
    decision = data.get("decision")
    if decision not in ("approve", "refuse"):
        raise ValidationFailed("请选择批准或不批准", code="required", field="decision")
    return {
        "extension_id": parse_int(data, "extension_id", "延期申请"),
        "approve": decision == "approve",
        "note": _text(data, "note"),
    }


def _merge(data: QueryDict) -> dict[str, Any]:
    # The target is named by code or id; `services.ticket_act` resolves it in the user's scope.
    note = _text(data, "note").strip()
    if len(note) > 500:
        raise ValidationFailed("并案说明不能超过500字", code="too_long", field="note")
    return {"into": _text(data, "into_id"), "note": note}


def _co_decide(data: QueryDict) -> dict[str, Any]:
    decision = data.get("decision")
    if decision not in ("keep", "release"):
        raise ValidationFailed("请选择维持协办或撤销协办", code="required", field="decision")
    return {
        "unit_id": parse_int(data, "unit_id", "协办单位"),
        "keep": decision == "keep",
        "note": _text(data, "note"),
    }


def _field(name: str) -> Parser:
    return lambda data: {name: _text(data, name)}


ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(svc.ticket_accept, _accept, "已受理"),
    "reject": ActionSpec(svc.ticket_reject, _field("reason"), "已不予受理"),
    "request_info": ActionSpec(svc.ticket_request_info, _field("note"), "已要求诉求人补充材料"),
    "answer": ActionSpec(svc.ticket_answer, _field("public_reply"), "已直接答复"),
    "dispatch": ActionSpec(svc.ticket_dispatch, _dispatch, "已派遣"),
    "sign": ActionSpec(svc.ticket_sign, _none, "已签收"),
    "return": ActionSpec(svc.ticket_return, _field("reason"), "已退回受理中心"),
    "reply": ActionSpec(svc.ticket_reply, _reply, "办理结果已提交审核"),
    "approve": ActionSpec(svc.ticket_approve, _field("note"), "审核通过，答复已公开"),
    "send_back": ActionSpec(svc.ticket_send_back, _field("note"), "已退回重办"),
    "rate": ActionSpec(svc.ticket_rate, _rate, "回访结果已记录", versioned=False),
    "close_unrated": ActionSpec(
        svc.ticket_close_unrated, _none, "已按逾期未评价办结", versioned=False
    ),
    "archive": ActionSpec(svc.ticket_archive, _none, "已归档", versioned=False),
    "request_extension": ActionSpec(
        svc.ticket_request_extension, _extension, "延期申请已提交", versioned=False
    ),
    "decide_extension": ActionSpec(
        svc.ticket_decide_extension, _decision, "延期申请已审批", versioned=False
    ),
    "merge": ActionSpec(svc.ticket_merge, _merge, "已并案", versioned=False),
    "unit_approve": ActionSpec(
        unit_review.ticket_unit_approve, _field("note"), "单位审核通过，已报受理中心审核"
    ),
    "unit_send_back": ActionSpec(
        unit_review.ticket_unit_send_back, _field("note"), "已退回承办人员重新办理"
    ),
    "co_sign": ActionSpec(
        cohandling.co_part_sign, _none, "已签收协办任务", versioned=False, stale_check=False
    ),
    "co_opinion": ActionSpec(
        cohandling.co_part_opinion,
        _field("note"),
        "协办意见已提交主办单位",
        versioned=False,
        stale_check=False,
    ),
    "co_return": ActionSpec(
        cohandling.co_part_return,
        _field("reason"),
        "已申请退回协办任务，等待受理中心决定",
        versioned=False,
        stale_check=False,
    ),
    "co_decide": ActionSpec(
        cohandling.co_part_decide,
        _co_decide,
        "已决定协办退回申请",
        versioned=False,
        stale_check=False,
    ),
}


def action_from_slug(slug: str) -> str | None:
    """URLs use hyphens (`send-back`); the workflow uses underscores (`send_back`)."""
    name = slug.replace("-", "_")
    return name if name in ACTIONS else None


def action_slug(name: str) -> str:
    return name.replace("_", "-")
