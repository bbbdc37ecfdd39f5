"""Where the apps built on the similar app act (core.hooks); the similar app imports none of
them."""

from __future__ import annotations

from minxin.core.hooks import Hook


@Hook
def redacted(text: str) -> str:
    """Every text 智能预判 shows anyone typing (a case's title, the citizen's text, the official
    reply: the submit page and `GET /api/v1/similar-cases`), whole, before it is cut to an
    excerpt: names, phone and ID numbers, plates and exact addresses masked (publicinfo:
    `redact.redact`). Imported official replies name officials and give their direct lines."""
    raise NotImplementedError
