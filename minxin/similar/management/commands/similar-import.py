# ruff: noqa: N999 - the command is named as documented: `minxin similar-import`
"""`minxin similar-import --replies messages-with-replies.csv`: load handled public cases.

Rows are matched on (source, id), so importing the same file again updates, never duplicates.
"""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.similar.services import public_cases_import


class Command(BaseCommand):
    help = (
        "Import public cases with their official replies (columns id, title, text, date, "
        "reply, reply_date) into the similar-case library."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--replies", type=Path, required=True, help="CSV file, UTF-8")
        parser.add_argument(
            "--source",
            default="",
            help="name of the library (default: the file's name without extension)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["replies"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"id", "title", "text", "reply"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path} lacks columns: {', '.join(sorted(missing))}")
            counts = public_cases_import(rows=reader, source=opts["source"] or path.stem)
        self.stdout.write(
            f"created {counts['created']}, updated {counts['updated']}, skipped {counts['skipped']}"
        )
