"""Deadline countdowns as staff read them: green while there is time, yellow within a
day, red once passed — always with words, never colour alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from minxin.core import clock
from minxin.tickets.models import Status, Ticket

WARN_WITHIN = dt.timedelta(days=1)
FINISHED = {Status.CLOSED, Status.ARCHIVED, Status.REJECTED}


@dataclass(frozen=True)
class Countdown:
    level: str  # ok | warn | late | paused | none
    label: str  # 正常 / 临期 / 超期 ...
    text: str


def _span(delta: dt.timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    return f"{hours}小时{minutes}分" if hours else f"{minutes}分钟"


def countdown(
    deadline: dt.datetime | None,
    *,
    now: dt.datetime | None = None,
    warn_at: dt.datetime | None = None,
) -> Countdown:
    """`warn_at` is the stage's own yellow moment (a share of its time, set by the
    services); within a day of the deadline is yellow regardless."""
    if deadline is None:
        return Countdown("none", "", "无期限")
    now = now or clock.now()
    left = deadline - now
    if left < dt.timedelta(0):
        return Countdown("late", "超期", f"已超期{_span(left)}")
    if left <= WARN_WITHIN or (warn_at is not None and now >= warn_at):
        return Countdown("warn", "临期", f"剩余{_span(left)}")
    return Countdown("ok", "正常", f"剩余{_span(left)}")


def stage_countdown(ticket: Ticket) -> Countdown:
    if ticket.status == Status.PENDING_INFO:
        return Countdown("paused", "暂停", "等待补充材料，暂停计时")
    if ticket.status in FINISHED:
        return Countdown("none", "", "已结束")
    return countdown(ticket.stage_due_at, warn_at=getattr(ticket, "stage_warn_at", None))


def overall_countdown(ticket: Ticket) -> Countdown:
    if ticket.status == Status.PENDING_INFO:
        return Countdown("paused", "暂停", "等待补充材料，暂停计时")
    if ticket.status in FINISHED or ticket.status == Status.PUBLISHED:
        return Countdown("none", "", "已答复" if ticket.status == Status.PUBLISHED else "已结束")
    return countdown(ticket.due_at)
