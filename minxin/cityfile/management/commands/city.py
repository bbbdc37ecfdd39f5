"""`minxin city export FILE.xlsx` and `minxin city import FILE.xlsx [--commit]`: the city's
set-up (units, categories, responsibilities, time limits, holidays, staff) as a spreadsheet.
Import is a dry run that prints what would change unless --commit (docs/city-setup.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.cityfile.export import book_export
from minxin.cityfile.invites import invites_send
from minxin.cityfile.services import city_import
from minxin.cityfile.sheets import SHEETS


class Command(BaseCommand):
    help = "Export the city's set-up to an .xlsx file, or import one (dry run unless --commit)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["export", "import"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--commit", action="store_true", help="import: write the changes")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "export":
            counts = book_export(opts["file"], SHEETS)
            said = ", ".join(f"{key} {n}" for key, n in counts.items())
            self.stdout.write(f"Wrote {opts['file']}: {said}")
            return
        if opts["commit"] is False:
            self.stdout.write("Dry run（试运行，未写入）: add --commit to load the file.")
        loaded = city_import(path=opts["file"], commit=opts["commit"])
        if loaded.problems:
            for problem in loaded.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"文件有 {len(loaded.problems)} 处错误，未导入任何数据。")
        self.stdout.write(loaded.diff())
        if loaded.committed:
            self.stdout.write("Imported（已导入）.")
            if loaded.new_accounts:
                self.stdout.write(
                    "New accounts: one-time set-password links（一次性设置密码链接）:"
                )
                for line in invites_send(loaded.new_accounts):
                    self.stdout.write(f"  {line}")
