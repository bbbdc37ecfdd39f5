"""Small display helpers for workbench templates."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from minxin.tickets.models import Status, Ticket
from minxin.tickets.workflow import ACTION_LABELS
from minxin.workbench.actions import action_slug
from minxin.workbench.countdown import Countdown, overall_countdown, stage_countdown

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


@register.inclusion_tag("workbench/_countdown.html")
def countdown_badge(cd: Countdown) -> dict:
    return {"cd": cd}


@register.filter
def action_label(action: str) -> str:
    return EXTRA_LABELS.get(action) or ACTION_LABELS.get(action, action)


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
