"""`minxin keys rotate [--commit] [--batch-size N]` and `minxin keys generate`."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from gmssl.sm2 import default_ecc_table

from minxin.encryption.keys import data_keys


class Command(BaseCommand):
    help = "Personal-data keys: re-encrypt under the current key, or make new keys."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate",
            help="re-encrypt every encrypted field under the "
            "current (first) key; a dry run unless --commit",
        )
        rotate.add_argument("--commit", action="store_true", help="write the changes")
        rotate.add_argument("--batch-size", type=int, default=500)
        sub.add_parser("generate", help="print new random keys for the environment")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "generate":
            return self._generate()
        from minxin.encryption.rotation import keys_rotate

        if opts["batch_size"] < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        self.stdout.write(f"current key: {data_keys().current_id}")
        for progress in keys_rotate(batch_size=opts["batch_size"], commit=opts["commit"]):
            done = f", re-encrypted {progress.rewritten}" if opts["commit"] else ""
            self.stdout.write(
                f"{progress.label}: {progress.scanned} rows, {progress.stale} to re-encrypt{done}"
            )
        if not opts["commit"]:
            self.stdout.write("dry run: nothing written (add --commit)")

    def _generate(self) -> None:
        key_id = timezone.localdate().strftime("k%Y%m%d")
        n = int(default_ecc_table["n"], 16)
        self.stdout.write(
            f"MINXIN_DATA_KEYS={key_id}:{secrets.token_hex(16)}"
            "   (prepend to the existing list, then run `keys rotate --commit`)"
        )
        self.stdout.write(
            f"MINXIN_INDEX_KEY={secrets.token_hex(32)}   (only for a new "
            "installation, or followed by `keys rotate --commit`)"
        )
        self.stdout.write(f"MINXIN_SM2_PRIVATE_KEY={secrets.randbelow(n - 2) + 1:064x}")
