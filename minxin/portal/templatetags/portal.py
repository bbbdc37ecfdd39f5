"""Template helpers for the portal's shared layout."""

from __future__ import annotations

from django import template

from minxin.portal import prefs as view_prefs_module
from minxin.tickets.display import deadline_text
from minxin.tickets.models import Ticket

register = template.Library()


@register.simple_tag(takes_context=True)
def view_prefs(context: template.Context) -> dict:
    """The visitor's display modes and the classes that switch them on <html>."""
    request = context.get("request")
    prefs = view_prefs_module.read(request) if request is not None else set()
    classes = " ".join(f"mx-{p}" for p in sorted(prefs))
    return {**{p: p in prefs for p in view_prefs_module.OPTIONS}, "classes": classes}


@register.filter
def code_groups(code: str) -> str:
    """A tracking code in the XXXXX-XXXXX form people read aloud and copy."""
    code = code or ""
    return f"{code[:5]}-{code[5:]}" if len(code) == 10 else code


@register.filter
def deadline(ticket: Ticket) -> str:
    """The deadline in plain words, e.g. "将在2026年12月18日前办结"."""
    return deadline_text(ticket)
