"""`minxin search-reindex [--missing]`: rebuild the staff text search's index of requests."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from minxin.tickets import textsearch


class Command(BaseCommand):
    help = (
        "Rebuild the text-search index (character bigrams) of every request, "
        "or only of those missing from it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only requests that have no index row (e.g. after a bulk load)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        tickets = textsearch.missing() if options["missing"] else None
        done = textsearch.reindex(tickets)
        self.stdout.write(f"indexed {done} requests in {time.perf_counter() - started:.1f} s")
