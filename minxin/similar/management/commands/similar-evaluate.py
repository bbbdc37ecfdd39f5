# ruff: noqa: N999 - the command is named as documented: `minxin similar-evaluate`
"""`minxin similar-evaluate --cases messages-with-replies.csv --pad-to 100000 --json`.

Queries the case index with each message's title alone and reports how often that message comes
first (recall@1) or in the first five (recall@5), and the search latency. Nothing is written to
the database: the index is built in memory from the files.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.similar.evaluate import evaluate, padding_sources, read_messages


class Command(BaseCommand):
    help = "Measure similar-case recall and latency on a CSV of messages (id, title, text)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--cases", type=Path, required=True)
        parser.add_argument(
            "--pad-to",
            type=int,
            default=0,
            help="grow the index to this many cases with other messages",
        )
        parser.add_argument(
            "--pad-from",
            type=Path,
            action="append",
            default=[],
            help="padding file (repeatable; default: the other shared files beside --cases)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["cases"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        cases = read_messages(path)
        if not cases:
            raise CommandError(f"no messages with a title and a text in {path}")
        result = evaluate(
            cases,
            pad_sources=padding_sources(path, opts["pad_from"]),
            pad_to=opts["pad_to"],
            seed=opts["seed"],
        )
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key, value in result.items():
            self.stdout.write(f"{key}: {value}")
