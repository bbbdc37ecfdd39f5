from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database's rows and the uploaded files into DIR (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="an empty or new directory")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            manifest = backup(Path(opts["dir"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        files = len(manifest["files"]) - 1
        self.stdout.write(f"OK: {rows} rows and {files} files in {opts['dir']}")
