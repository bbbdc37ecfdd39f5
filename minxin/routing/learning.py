"""The city's own closed requests as training rows for the classifier (从本市办件中学习).

The label is the category the request was closed under: the one intake confirmed or
corrected (`SuggestionFeedback` records which), never the classifier's guess.
"""

from __future__ import annotations

from minxin.org.models import Category
from minxin.tickets.models import Status, Ticket

LEVELS = ("path", "top", "id")


def request_rows(level: str = "path") -> list[dict]:
    """{"ticket_id", "title", "text", "category"} for every closed request with a category.

    `level`: "path" ("城乡建设/物业管理"), "top" (the first-level name, to train together with
    the shared data's seven labels) or "id" (the category's id as a string)."""
    if level not in LEVELS:
        raise ValueError(f"label level must be one of {', '.join(LEVELS)}, not {level!r}")
    tickets = (
        Ticket.objects.filter(
            status__in=[Status.CLOSED, Status.ARCHIVED],
            category__isnull=False,
            merged_into__isnull=True,
        )
        .select_related("category__parent")
        .only("pk", "title", "content", "category__name", "category__parent__name")
        .order_by("pk")
    )
    return [
        {"ticket_id": t.pk, "title": t.title, "text": t.content, "category": _label(c, level)}
        for t in tickets.iterator(chunk_size=2000)
        if (c := t.category) is not None  # always: the query asks for one
    ]


def _label(category: Category, level: str) -> str:
    if level == "id":
        return str(category.pk)
    if level == "top":
        return category.top.name
    return str(category)
