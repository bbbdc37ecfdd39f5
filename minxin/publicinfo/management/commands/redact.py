"""`minxin redact --text T` prints T with its personal data masked (`publicinfo.redact`);
`--spans` lists what was found, one `kind<TAB>text` a line, after it."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.publicinfo.redact import KIND_LABELS, find, redact


class Command(BaseCommand):
    help = "Mask names, phone and ID numbers, plates and detailed addresses in a text."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--text", help="the text; without it, standard input is read")
        parser.add_argument("--spans", action="store_true", help="also list what was masked")

    def handle(self, *args: Any, **options: Any) -> None:
        text = options["text"] if options["text"] is not None else sys.stdin.read()
        if not text.strip():
            raise CommandError("没有要处理的文本")
        self.stdout.write(redact(text))
        if options["spans"]:
            for span in find(text):
                self.stdout.write(f"{KIND_LABELS[span.kind]}\t{span.text}")
