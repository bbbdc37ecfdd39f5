"""Every step a request's timeline can record, and what staff call it. Which step may be
taken from which state, and by whom, is `tickets.workflow`'s table."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    """Every step a request's timeline can record. The values are stored in
    `TimelineEvent.action`, so they never change."""

    SUBMIT = "submit"
    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_INFO = "request_info"
    SUPPLEMENT = "supplement"
    ANSWER = "answer"
    DISPATCH = "dispatch"
    SIGN = "sign"
    RETURN = "return"
    REPLY = "reply"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    RATE = "rate"
    REOPEN = "reopen"
    CLOSE_UNRATED = "close_unrated"
    ARCHIVE = "archive"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    MERGE = "merge"
    REVEAL_CONTACT = "reveal_contact"
    WARNING = "warning"
    OVERDUE = "overdue"
    TO_CALLBACK = "to_callback"
    SUPERVISE = "supervise"
    SUPERVISE_REPLY = "supervise_reply"
    SUPERVISE_ESCALATE = "supervise_escalate"
    OVERSIGHT_SHARE = "oversight_share"
    OVERSIGHT_EVALUATE = "oversight_evaluate"
    EMERGENCY = "emergency"  # put on the emergency clock (docs/deadlines.md)
    EMERGENCY_ALERT = "emergency_alert"  # the staff on duty alerted
    SUPERVISE_CLOSE = "supervise_close"  # an order closed with its request
    # 协办: each co-handling unit's part (tickets.cohandling)
    CO_SIGN = "co_sign"
    CO_RETURN = "co_return"
    CO_DECIDE = "co_decide"
    CO_OPINION = "co_opinion"
    CO_PROCEED = "co_proceed"
    CO_WARNING = "co_warning"
    CO_OVERDUE = "co_overdue"
    # 单位审核: the unit head approves a handler's reply before the centre reviews it
    UNIT_APPROVE = "unit_approve"
    UNIT_SEND_BACK = "unit_send_back"
    # 典型案例库 (publicinfo.cases): a closed request nominated, its redacted case published
    CASE_NOMINATE = "case_nominate"
    CASE_PUBLISH = "case_publish"
    CASE_WITHDRAW = "case_withdraw"
    # 跨市转办 (crosscity): handed to another city, received from one, its progress there,
    # and a supervision order one city asks the other to open (联合督办)
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    TRANSFER_PROGRESS = "transfer_progress"
    JOINT_SUPERVISE = "joint_supervise"
    # 视频接访 (minxin.video): asked for, scheduled with units, confirmed by each, held
    VIDEO_REQUEST = "video_request"
    VIDEO_SCHEDULE = "video_schedule"
    VIDEO_CONFIRM = "video_confirm"
    VIDEO_HELD = "video_held"
    VIDEO_RESCHEDULE = "video_reschedule"
    VIDEO_CANCEL = "video_cancel"
    # 城市运行管理中心 (minxin.cityevents): one of its events tied to the request
    CITY_EVENT = "city_event"


A = Action

ACTION_LABELS: dict[str, str] = {
    A.SUBMIT: "提交诉求",
    A.ACCEPT: "受理",
    A.REJECT: "不予受理",
    A.REQUEST_INFO: "要求补充材料",
    A.SUPPLEMENT: "补充材料",
    A.ANSWER: "受理时直接答复",
    A.DISPATCH: "派遣",
    A.SIGN: "签收",
    A.RETURN: "退回",
    A.REPLY: "提交办理结果",
    A.APPROVE: "审核通过并公开答复",
    A.SEND_BACK: "审核退回重办",
    A.RATE: "评价",
    A.REOPEN: "不满意重办",
    A.CLOSE_UNRATED: "逾期未评价办结",
    A.ARCHIVE: "归档",
    A.REQUEST_EXTENSION: "申请延期",
    A.DECIDE_EXTENSION: "审批延期",
    A.MERGE: "并案",
    A.REVEAL_CONTACT: "查看联系方式",
    A.WARNING: "即将超期预警",
    A.OVERDUE: "超期",
    A.TO_CALLBACK: "转电话回访",
    A.SUPERVISE: "督办",
    A.SUPERVISE_REPLY: "督办回复",
    A.SUPERVISE_ESCALATE: "督办升级",
    A.OVERSIGHT_SHARE: "提交监督小组评议",
    A.OVERSIGHT_EVALUATE: "监督小组评议",
    A.EMERGENCY: "紧急诉求",
    A.EMERGENCY_ALERT: "紧急告警",
    A.SUPERVISE_CLOSE: "督办单随诉求办结",
    A.CO_SIGN: "协办签收",
    A.CO_RETURN: "协办退回",
    A.CO_DECIDE: "决定协办退回",
    A.CO_OPINION: "提交协办意见",
    A.CO_PROCEED: "协办未完成先行答复",
    A.CO_WARNING: "协办即将超期",
    A.CO_OVERDUE: "协办超期",
    A.UNIT_APPROVE: "单位审核通过",
    A.UNIT_SEND_BACK: "单位审核退回",
    A.CASE_NOMINATE: "推荐为典型案例",
    A.CASE_PUBLISH: "公开典型案例",
    A.CASE_WITHDRAW: "撤回典型案例",
    A.TRANSFER_OUT: "转外市办理",
    A.TRANSFER_IN: "外市转入",
    A.TRANSFER_PROGRESS: "外市办理进展",
    A.JOINT_SUPERVISE: "联合督办",
    A.VIDEO_REQUEST: "申请视频接访",
    A.VIDEO_SCHEDULE: "安排视频接访",
    A.VIDEO_CONFIRM: "确认参加视频接访",
    A.VIDEO_HELD: "视频接访纪要",
    A.VIDEO_RESCHEDULE: "视频接访改期",
    A.VIDEO_CANCEL: "取消视频接访",
    A.CITY_EVENT: "城市运行事件",
}
