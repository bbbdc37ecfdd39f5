from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup from DIR into an empty database: checks the files and that the "
        "keys in the environment open the data, loads everything in one transaction, copies "
        "the files, verifies the audit chain (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="a directory written by `minxin backup`")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            done = restore(Path(opts["dir"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {done.rows} rows and {done.files} files")
        if not done.audit_ok:
            raise CommandError(f"audit verify: BROKEN: {done.audit_summary}")
        self.stdout.write(f"audit verify: OK: {done.audit_summary}")
