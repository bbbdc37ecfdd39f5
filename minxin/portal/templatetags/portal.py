"""Template helpers for the portal's shared layout."""

from __future__ import annotations

from django import template

from minxin.portal import prefs as view_prefs_module

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
