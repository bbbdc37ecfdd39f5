"""The state machine of a request: which action may move it from where to where.

Service functions consult this table; nothing else decides whether a move is legal.
"""

from __future__ import annotations

from minxin.core.errors import Conflict
from minxin.tickets.models import Status

S = Status

# action: (states it may start from, state it leads to; None means "decided by the service")
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "accept": (frozenset({S.SUBMITTED}), S.ACCEPTED),
    "reject": (frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED),
    "request_info": (frozenset({S.SUBMITTED, S.ACCEPTED, S.SIGNED}), S.PENDING_INFO),
    "supplement": (frozenset({S.PENDING_INFO}), None),
    "answer": (frozenset({S.SUBMITTED, S.ACCEPTED}), S.PUBLISHED),
    "dispatch": (frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED}), S.DISPATCHED),
    "sign": (frozenset({S.DISPATCHED}), S.SIGNED),
    "return": (frozenset({S.DISPATCHED}), S.RETURNED),
    "reply": (frozenset({S.SIGNED}), S.REPLIED),
    "approve": (frozenset({S.REPLIED}), S.PUBLISHED),
    "send_back": (frozenset({S.REPLIED}), S.SIGNED),
    "rate": (frozenset({S.PUBLISHED}), None),
    "close_unrated": (frozenset({S.PUBLISHED}), S.CLOSED),
    "archive": (frozenset({S.CLOSED, S.REJECTED}), S.ARCHIVED),
    "request_extension": (frozenset({S.SIGNED}), S.SIGNED),
    "decide_extension": (frozenset({S.SIGNED, S.REPLIED}), None),
    "merge": (frozenset({S.SUBMITTED, S.ACCEPTED, S.RETURNED, S.PENDING_INFO}), S.MERGED),
}

ACTION_LABELS = {
    "submit": "提交诉求",
    "accept": "受理",
    "reject": "不予受理",
    "request_info": "要求补充材料",
    "supplement": "补充材料",
    "answer": "受理时直接答复",
    "dispatch": "派遣",
    "sign": "签收",
    "return": "退回",
    "reply": "提交办理结果",
    "approve": "审核通过并公开答复",
    "send_back": "审核退回重办",
    "rate": "评价",
    "reopen": "不满意重办",
    "close_unrated": "逾期未评价办结",
    "archive": "归档",
    "request_extension": "申请延期",
    "decide_extension": "审批延期",
    "merge": "并案",
    "reveal_contact": "查看联系方式",
    "warning": "即将超期预警",
    "overdue": "超期",
    "to_callback": "转电话回访",
    "supervise": "督办",
    "supervise_reply": "督办回复",
    "supervise_escalate": "督办升级",
    "oversight_share": "提交监督小组评议",
    "oversight_evaluate": "监督小组评议",
}


def check_transition(status: str, action: str) -> str | None:
    """The target state of `action` from `status`, or a Conflict explaining why not."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise Conflict(
            f"该诉求当前状态为「{Status(status).label}」，不能执行「{ACTION_LABELS[action]}」，"
            "可能已被他人处理，请刷新后重试",
            code="invalid_transition",
        )
    return target


def legal_actions(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]
