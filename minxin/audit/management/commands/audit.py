"""`minxin audit checkpoint | export [--entries] [-o FILE] | verify [--against FILE]`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.audit.services import checkpoint_create
from minxin.audit.verify import chain_export, chain_verify, load_export
from minxin.core.errors import DomainError


class Command(BaseCommand):
    help = "The tamper-evident trail: sign a checkpoint, export checkpoints, verify the chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("checkpoint", help="sign the chain's current head with SM2")
        export = sub.add_parser(
            "export", help="checkpoints and public key as JSON, for an outside party to keep"
        )
        export.add_argument("--entries", action="store_true", help="include every chain entry")
        export.add_argument("-o", "--output", help="write to this file instead of stdout")
        verify = sub.add_parser(
            "verify",
            help="check every link, checkpoint and witnessed "
            "row; exit status 1 if anything is broken",
        )
        verify.add_argument("--against", help="an earlier export to compare the chain with")
        adopt = sub.add_parser(
            "adopt",
            help="record the current state of covered rows that "
            "have none yet (once, after upgrading)",
        )
        adopt.add_argument("--commit", action="store_true", help="append; else a dry run")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _checkpoint(self, opts: dict) -> None:
        try:
            checkpoint = checkpoint_create()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"checkpoint #{checkpoint.seq} {checkpoint.hash} signed "
            f"by {checkpoint.public_key[:16]}…"
        )

    def _export(self, opts: dict) -> None:
        text = json.dumps(chain_export(with_entries=opts["entries"]), ensure_ascii=False, indent=1)
        if opts["output"]:
            Path(opts["output"]).write_text(text + "\n")
        else:
            self.stdout.write(text)

    def _adopt(self, opts: dict) -> None:
        from minxin.audit.services import chain_adopt

        counts = chain_adopt(commit=opts["commit"])
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} rows without a recorded state")
        if not opts["commit"]:
            self.stdout.write("dry run: nothing appended (use --commit)")

    def _verify(self, opts: dict) -> None:
        external = None
        if opts["against"]:
            try:
                external = load_export(Path(opts["against"]).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {opts['against']}: {exc}") from exc
        report = chain_verify(external=external)
        if report.ok:
            self.stdout.write(
                f"OK: {report.entries} entries up to #{report.head_seq}, "
                f"{report.checkpoints} checkpoints, {report.records} witnessed "
                "rows verified"
            )
            return
        self.stderr.write(f"BROKEN: {report.problems[0]}")
        for problem in report.problems[1:]:
            self.stderr.write(f"  also: {problem}")
        raise SystemExit(1)
