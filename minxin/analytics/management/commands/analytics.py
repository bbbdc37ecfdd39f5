"""`minxin analytics rebuild|refresh|check|months`: the rollups (docs/analytics.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.analytics import rollups
from minxin.analytics.figures import COUNTS, Scope, direct
from minxin.analytics.reads import period_figures
from minxin.core.commands import optional_date
from minxin.supervision.records import Period


class Command(BaseCommand):
    help = (
        "rebuild: recompute the rollups from the requests (all days, or --from/--to); "
        "refresh: recompute the days marked since the worker last ran; "
        "check: compare the rollups and their slices with the figures computed from the "
        "requests; months: rewrite the monthly rollups and every slice from the daily rollups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "refresh", "check", "months"])
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD")

    def handle(self, *args: Any, action: str, first: str, last: str, **options: Any) -> None:
        start, end = optional_date(first), optional_date(last)
        if start and end and end < start:
            raise CommandError("--to is before --from")
        if action == "rebuild":
            written = rollups.rebuild(start, end)
            self.stdout.write(f"rebuilt: {written} rollup rows")
        elif action == "months":
            self.stdout.write(f"monthly rollups: {rollups.sum_all_months()} rows")
        elif action == "refresh":
            self.stdout.write(f"refreshed: {rollups.refresh_all()} days")
        else:
            self._check(start, end)

    def _check(self, start: dt.date | None, end: dt.date | None) -> None:
        if start is None or end is None:
            raise CommandError("check needs --from and --to")
        period = Period(start, end)
        computed = direct(period, Scope())
        for name, keys in (("rollups", True), ("slices", False)):
            stored = period_figures(period, Scope(), keys=keys)
            differ = [n for n in COUNTS if getattr(stored, n) != getattr(computed, n)]
            if stored.handling != computed.handling:
                differ.append("handling")
            if differ:
                raise CommandError(f"{name} differ from the requests in: {', '.join(differ)}")
        self.stdout.write(f"rollups agree with the requests ({computed.submitted} submitted)")
