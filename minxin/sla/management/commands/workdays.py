"""`minxin workdays add 2026-09-30 3` and `minxin workdays between A B`."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from minxin.sla.calendar import add_workdays, workdays_between, year_has_data


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Working-day arithmetic on the same calendar the deadlines use."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the date N working days after DATE")
        add.add_argument("date", type=_date)
        add.add_argument("days", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("start", type=_date)
        between.add_argument("end", type=_date)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "add":
            if opts["days"] < 0:
                self.stderr.write("days must not be negative")
                raise SystemExit(2)
            result = add_workdays(opts["date"], opts["days"])
            self.stdout.write(result.isoformat())
            self._warn({opts["date"].year, result.year})
        else:
            self.stdout.write(str(workdays_between(opts["start"], opts["end"])))
            self._warn(set(range(opts["start"].year, opts["end"].year + 1)))

    def _warn(self, years: set[int]) -> None:
        for year in sorted(years):
            if not year_has_data(year):
                self.stderr.write(f"warning: no holiday data for {year}; Monday-Friday assumed")
