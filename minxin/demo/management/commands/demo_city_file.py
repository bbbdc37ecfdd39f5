"""`minxin demo_city_file [PATH]`: rebuild minxin/demo/city.xlsx from minxin/demo/city.py."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from minxin.demo.cityfile import DEMO_FILE, demo_file_write


class Command(BaseCommand):
    help = "Write the demo city's set-up file (minxin/demo/city.xlsx) from minxin/demo/city.py."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=DEMO_FILE)

    def handle(self, *args: Any, **opts: Any) -> None:
        counts = demo_file_write(opts["path"])
        self.stdout.write(f"Wrote {opts['path']}: {counts}")
