"""Small display helpers for workbench templates."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from minxin.accounts.models import Role, User
from minxin.supervision.models import SupervisionOrder
from minxin.supervision.selectors import inbox_for
from minxin.tickets import timeline
from minxin.tickets.actions import ACTION_LABELS
from minxin.tickets.models import Status, Ticket, TimelineEvent
from minxin.workbench.actions import action_slug
from minxin.workbench.countdown import Countdown, countdown, overall_countdown, stage_countdown
from minxin.workbench.permissions import may_read_orders, may_read_records

register = template.Library()

EXTRA_LABELS = {"reveal_contact": "查看联系方式", "reopen": "不满意重办"}


@register.filter
def stage_cd(ticket: Ticket) -> Countdown:
    return stage_countdown(ticket)


@register.filter
def overall_cd(ticket: Ticket) -> Countdown:
    return overall_countdown(ticket)


@register.filter
def deadline_cd(ticket: Ticket) -> Countdown:
    """For lists: the stage deadline when there is one, else the overall one."""
    return stage_countdown(ticket) if ticket.stage_due_at else overall_countdown(ticket)


@register.simple_tag
def countdown_badge(cd: Countdown) -> str:
    """The green/yellow/red badge (a simple tag: lists render one per row, and an inclusion
    tag's template context costs more than the badge)."""
    if cd.level == "none":
        return format_html('<span class="badge badge-none">{}</span>', cd.text)
    return format_html('<span class="badge badge-{}">{}：{}</span>', cd.level, cd.label, cd.text)


@register.filter
def action_label(action: str) -> str:
    return EXTRA_LABELS.get(action) or ACTION_LABELS.get(action, action)


@register.filter
def citizen_text(event: TimelineEvent) -> str | None:
    """What the citizen's timeline shows of this step; None when it is internal."""
    return timeline.citizen_text(event)


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


@register.filter
def slug(action: str) -> str:
    return action_slug(action)


@register.filter
def getitem(mapping: object, key: str) -> object:
    getter = getattr(mapping, "get", None)
    return getter(key, "") if getter else ""


@register.simple_tag(takes_context=True)
def prior(context: template.Context, form: str, name: str) -> str:
    """What the user typed into `form` before its error, so a failed post loses nothing."""
    if context.get("error_form") != form:
        return ""
    posted = context.get("posted")
    return posted.get(name, "") if posted is not None else ""


@register.simple_tag(takes_context=True)
def invalid(context: template.Context, form: str, name: str) -> str:
    """aria attributes for the field an error points at."""
    error = context.get("error")
    if context.get("error_form") == form and error is not None and error.field == name:
        return format_html(' aria-invalid="true" aria-describedby="err-{}"', form)
    return ""


UNREAD_CAP = 99
ORDER_EVENTS = {
    "open": "发起督办",
    "respond": "单位回复",
    "escalate": "督办升级",
    "close": "办结",
    "follow_close": "随诉求办结",
    "decide_asked": "提请督办人员决定",
}


@register.simple_tag
def inbox_unread(user: User) -> str:
    """The header's unread count; counting stops past 99 (shown as "99+")."""
    count = inbox_for(user).filter(read_at=None).order_by()[: UNREAD_CAP + 1].count()
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)


@register.filter
def reads_orders(user: User) -> bool:
    return may_read_orders(user)


@register.filter
def records_url(user: User) -> str:
    """Where the header's "单位考核" leads: the unit list, or a unit head's own record."""
    if not may_read_records(user):
        return ""
    if user.role == Role.UNIT_HEAD and user.unit_id:
        return reverse("workbench:unit_record", args=[user.unit_id])
    return reverse("workbench:units")


@register.filter
def order_cd(order: SupervisionOrder) -> Countdown:
    if order.state == SupervisionOrder.State.CLOSED:
        return Countdown("none", "", "已办结")
    if order.state == SupervisionOrder.State.RESPONDED:
        return Countdown("none", "", "单位已回复")
    return countdown(order.respond_by)


@register.filter
def order_event(action: str) -> str:
    return ORDER_EVENTS.get(action, action)


@register.filter
def confidence(value: float | None) -> str:
    """A suggestion's confidence with two decimals, at most 0.99: a guess is never certain,
    and a calibrated 0.9996 shown as "1.00" would read as certainty (docs/nlp.md)."""
    if value is None:
        return ""
    return f"{min(max(float(value), 0.0), 0.99):.2f}"
