"""The dashboard's extension point: other apps add panels (hot spots, the ranking, early
warning...) without the dashboard knowing them.

An app registers a panel once, from its AppConfig.ready():

    from minxin.analytics.panels import Panel, register
    register(Panel(key="hotspots", template="insight/_dashboard_hotspots.html",
                   context=hotspots_context, order=20))

`context(user, query)` returns the template's context (the reader and the dashboard's
`params.Query`: its period and scope), or None to leave the panel out for this reader. The
template is included inside a <section> with the panel's heading; it must carry its own
data table for any chart (docs/analytics.md, "Charts").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minxin.accounts.models import User

Context = Callable[[User, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Context
    title: str = ""
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add or replace (by key) a panel; safe to call twice."""
    _PANELS[panel.key] = panel


def unregister(key: str) -> None:
    _PANELS.pop(key, None)


def panels_for(user: User, query: Any) -> list[dict[str, Any]]:
    """The registered panels this reader gets, in order, each with its context."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user, query)
        if context is not None:
            shown.append({"panel": panel, "context": context})
    return shown
