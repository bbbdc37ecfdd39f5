"""`minxin unitdays seal|rebuild|check`: the daily rollups of the units' records
(`supervision.unitdays`)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.core import clock
from minxin.core.commands import optional_date
from minxin.supervision import unitdays
from minxin.supervision.tally import Row, tally


class Command(BaseCommand):
    help = (
        "seal: write the rollups of the days not sealed yet, up to two days ago (what the "
        "worker does nightly); rebuild: rewrite the days --from/--to (after a bulk load); "
        "check: compare the rollups of --from/--to with the figures counted from the source."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["seal", "rebuild", "check"])
        parser.add_argument("--from", dest="first", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="last day, YYYY-MM-DD")

    def handle(self, *args: Any, action: str, first: str, last: str, **options: Any) -> None:
        start, end = optional_date(first), optional_date(last)
        if action == "seal":
            began = time.perf_counter()
            days = unitdays.seal_due()
            self.stdout.write(f"sealed: {days} days in {time.perf_counter() - began:.1f} s")
            return
        if start is None or end is None:
            raise CommandError(f"{action} needs --from and --to")
        if end < start:
            raise CommandError("--to is before --from")
        if action == "rebuild":
            began = time.perf_counter()
            days = unitdays.seal(start, end)
            self.stdout.write(f"sealed: {days} days in {time.perf_counter() - began:.1f} s")
        else:
            self._check(start, end)

    def _check(self, first: dt.date, last: dt.date) -> None:
        stored = unitdays.rows_for(first, last, None)
        direct = tally(clock.day_start(first), clock.day_start(last + dt.timedelta(days=1)))
        if _totals(stored) != _totals(direct):
            raise CommandError("the rollups differ from the figures counted from the source")
        self.stdout.write(f"ok: {first} to {last}, {len(direct)} figures agree")


def _totals(rows: list[Row]) -> dict[tuple[int, str], int]:
    totals: dict[tuple[int, str], int] = {}
    for unit_id, _day, kind, n in rows:
        totals[(unit_id, kind)] = totals.get((unit_id, kind), 0) + n
    return totals
