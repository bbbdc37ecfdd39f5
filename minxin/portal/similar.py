"""How problems like the citizen's draft were handled (智能预判), shaped for the submit page.

Only a help while typing: any failure of the case index means "show nothing", never an
error on the page.
"""

from __future__ import annotations

import logging

from django.utils import timezone

from minxin.similar.services import similar_cases

log = logging.getLogger(__name__)
MIN_QUERY = 4
MAX_QUERY = 300  # a title and the start of the body find the case; more only costs time
SHOWN = 3
REPLY_CHARS = 100


def cases_like(query: str) -> list[dict]:
    """Up to three handled public cases: title, a short excerpt of the reply, its date."""
    query = (query or "").strip()[:MAX_QUERY]
    if len(query) < MIN_QUERY:
        return []
    try:
        found = similar_cases(query, k=SHOWN)
    except Exception:  # the index is a convenience; the form works without it
        log.exception("similar cases unavailable")
        return []
    return [_shown(case) for case in found]


def _shown(case: dict) -> dict:
    reply = case["reply_excerpt"]
    if len(reply) > REPLY_CHARS:
        reply = reply[:REPLY_CHARS].rstrip("…") + "…"
    date = case["reply_date"]
    return {
        "id": f"{case['source']}:{case['id']}",
        "title": case["title"],
        "reply": reply,
        "date": timezone.localdate(date).isoformat() if date else "",
    }
