"""常见问题 (FAQ): the handled questions of a public message board (`similar.PublicCase`,
imported by `minxin similar-import`), offered to the assistant and the search as answered
questions. Their texts are shown redacted (`redact.py`): the board's replies name officials
and give phone numbers."""

from __future__ import annotations

from django.db.models import QuerySet

from minxin.core import clock
from minxin.publicinfo import redact, search
from minxin.publicinfo.models import SearchEntry
from minxin.similar.models import PublicCase

BODY_CHARS = 1500


def faq_rows() -> QuerySet[PublicCase]:
    return PublicCase.objects.exclude(reply="")


def faq_index(case: PublicCase) -> None:
    search.entry_write(
        kind=SearchEntry.Kind.FAQ,
        ref_id=case.pk,
        title=case.title,
        body=f"{case.text[:BODY_CHARS]}\n{case.reply[:BODY_CHARS]}",
        url=f"/faq/{case.pk}/",
        updated_at=case.reply_date or case.date or clock.now(),
    )


def faq_redacted(case: PublicCase) -> dict[str, str]:
    return {
        "title": redact.redact(case.title),
        "text": redact.redact(case.text),
        "reply": redact.redact(case.reply),
    }
