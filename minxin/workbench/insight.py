"""What the platform read in a request, for staff pages: duplicate flags (并案线索) and
risk signals (风险研判). Lists get both for a whole page in three queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from minxin.accounts.models import User
from minxin.risk.models import RiskLevel, RiskTerm, TicketInsight
from minxin.risk.selectors import insight_for
from minxin.risk.services import analysis_waiting
from minxin.similar.models import DuplicateFlag
from minxin.similar.selectors import duplicate_flags_for
from minxin.tickets import selectors
from minxin.tickets.actions import Action
from minxin.tickets.models import Ticket
from minxin.tickets.workflow import role_may

# Level -> (badge text, badge class). The text carries the meaning; colour only repeats it.
RISK_BADGES = {
    RiskLevel.CRITICAL: ("紧急风险", "badge-alarm"),
    RiskLevel.HIGH: ("高风险", "badge-late"),
    RiskLevel.MEDIUM: ("中风险", "badge-warn"),
    RiskLevel.LOW: ("低风险", "badge-none"),
}
LISTED_LEVELS = [RiskLevel.HIGH, RiskLevel.CRITICAL]
KIND_LABELS = dict(RiskTerm.Kind.choices)
CATEGORY_LABELS = dict(RiskTerm.Category.choices)


@dataclass
class RowMarks:
    risk: tuple[str, str] | None = None
    critical: bool = False  # lists put these on top with an alarm
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def row_marks(user: User, tickets: list[Ticket]) -> dict[int, RowMarks]:
    """High-risk badges and open duplicate flags for the rows of one page, by ticket id."""
    ids = [t.pk for t in tickets]
    marks = {pk: RowMarks() for pk in ids}
    levels = TicketInsight.objects.filter(ticket_id__in=ids, risk_level__in=LISTED_LEVELS)
    for ticket_id, level in levels.values_list("ticket_id", "risk_level"):
        marks[ticket_id].risk = RISK_BADGES[RiskLevel(level)]
        marks[ticket_id].critical = level == RiskLevel.CRITICAL
    flags = list(
        DuplicateFlag.objects.filter(
            Q(ticket_id__in=ids) | Q(similar_to_id__in=ids), resolved=False
        )
        .select_related("ticket", "similar_to")
        .order_by("-score", "id")
    )
    others = {f.similar_to_id for f in flags} | {f.ticket_id for f in flags}
    # A flag's other request is named only to someone who may open it.
    visible = set(
        selectors.tickets_visible_to(user).filter(pk__in=others).values_list("pk", flat=True)
    )
    for flag in flags:
        for mine, other in ((flag.ticket, flag.similar_to), (flag.similar_to, flag.ticket)):
            if mine.pk in marks and other.pk in visible:
                marks[mine.pk].duplicates.append(
                    {"kind_label": flag.get_kind_display(), "other": other}
                )
    return marks


def detail_insight(user: User, ticket: Ticket) -> dict[str, Any]:
    """The request page's panel: its risk level with the words behind it, and its flags."""
    found = insight_for(ticket)
    duplicates = duplicate_flags_for(ticket, user=user)
    return {
        "insight": found,
        # Read by the worker seconds after submission (or retried after a failure).
        "analysing": found is None and analysis_waiting(ticket),
        "risk_badge": RISK_BADGES[RiskLevel(found.risk_level)] if found else None,
        "risk_terms": _terms(found) if found else [],
        "risk_categories": [
            CATEGORY_LABELS.get(c, c) for c in (found.signals.get("categories") or [])
        ]
        if found
        else [],
        "risk_group": (found.signals.get("group") or None) if found else None,
        "duplicates": duplicates,
        "open_duplicates": sum(1 for d in duplicates if not d["resolved"]),
        "may_resolve_duplicates": role_may(user, Action.MERGE),
    }


def _terms(found: TicketInsight) -> list[dict[str, Any]]:
    return [
        {
            "term": t.get("term", ""),
            "kind": KIND_LABELS.get(t.get("kind"), t.get("kind")),
            "category": CATEGORY_LABELS.get(t.get("category"), t.get("category") or ""),
            "count": int(t.get("count") or 1),
        }
        for t in (found.signals.get("terms") or [])
    ]
