"""The case library's panel on the workbench request page."""

from __future__ import annotations

from typing import Any

from django import template

from minxin.accounts.models import User
from minxin.publicinfo.cases import NOMINABLE
from minxin.publicinfo.guides import may_edit_any
from minxin.publicinfo.models import TypicalCase
from minxin.tickets.workflow import Action, may_act, role_may

register = template.Library()


@register.inclusion_tag("publicinfo/_nominate_panel.html", takes_context=True)
def case_panel(context: template.Context) -> dict[str, Any]:
    """Whether the request is a typical case already, or whether this user may nominate it."""
    user, ticket = context["user"], context["ticket"]
    case = TypicalCase.objects.filter(ticket=ticket).first()
    may = (
        case is None and ticket.status in NOMINABLE and may_act(user, ticket, Action.CASE_NOMINATE)
    )
    return {
        "case_panel": {"case": case, "may_nominate": may},
        "ticket": ticket,
        "error": context.get("error"),
        "error_form": context.get("error_form"),
    }


@register.simple_tag
def public_menu(user: User) -> list[tuple[str, str, str]]:
    """The workbench menu's public-service entries for this user: the case review queue for
    reviewers, guides and notices for the units that keep them."""
    links = []
    if role_may(user, Action.CASE_PUBLISH):
        links.append(("/staff/public/cases/", "典型案例", "cases"))
    if may_edit_any(user):
        links.append(("/staff/public/guides/", "办事指南", "public"))
        links.append(("/staff/public/policies/", "政策直通车", "policies"))
    return links
