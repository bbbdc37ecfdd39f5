# ruff: noqa: N999 - the command is named as documented: `minxin public-reindex`
"""`minxin public-reindex` writes every public document into the one search again: published
typical cases, published guides and notices, and the FAQ (imported public cases)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from minxin.publicinfo import cases, faq, guides, public
from minxin.publicinfo.models import Guide, Notice


class Command(BaseCommand):
    help = "Rebuild the public search index."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {"cases": 0, "guides": 0, "notices": 0, "faq": 0}
        for case in public.published_cases().iterator():
            cases.index(case)
            counts["cases"] += 1
        for guide in Guide.objects.filter(published=True):
            guides.reindex(guide)
            counts["guides"] += 1
        for notice in Notice.objects.filter(published=True):
            guides.reindex(notice)
            counts["notices"] += 1
        for row in faq.faq_rows().iterator():
            faq.faq_index(row)
            counts["faq"] += 1
        self.stdout.write("，".join(f"{k} {v}" for k, v in counts.items()))
