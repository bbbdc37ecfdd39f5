"""Train the request classifier and store it as a new model version.

    minxin nlp-train --train A.csv [--train B.csv ...] [--activate] [--holdout 0.15]
    minxin nlp-train --from-requests [--train A.csv ...] [--label-level path|top|id]
                     [--min-rows 50] [--holdout 0.2] [--dry-run]

From CSV files: the metrics stored with the version come from a stratified held-out share of
the raw rows (training rows that near-duplicate them are dropped for that measurement); the
stored model is then trained on all rows, activated with --activate or when none is active.

--from-requests learns from the city: the platform's own closed requests, labelled with the
category they were closed under (what intake confirmed or corrected), plus any --train files.
A share of those requests is kept back; a candidate trained on the rest and the active model
are scored on the same kept-back rows, and the new version (trained on everything) is
activated only if it scores higher. --dry-run measures without storing anything.
Prints one JSON object.

A routing command, not an nlp one: `--from-requests` reads the city's requests through
routing, and nlp imports no app above it (core/tests/test_import_cycles.py).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.nlp.dataset import LabelledRow, read_labelled_csv
from minxin.nlp.models import DEFAULT_NAME
from minxin.nlp.training import train_from_rows, train_if_better
from minxin.routing.learning import request_rows


class Command(BaseCommand):
    help = "Train the classifier on CSV files and/or the city's closed requests."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--train", action="append", default=[], metavar="CSV")
        parser.add_argument(
            "--from-requests",
            action="store_true",
            help="train on the platform's closed requests; activate only if "
            "better than the active model on the same held-out rows",
        )
        parser.add_argument(
            "--label-level",
            choices=["path", "top", "id"],
            default="path",
            help="labels of the requests: category path, first level, or id",
        )
        parser.add_argument(
            "--min-rows",
            type=int,
            default=50,
            help="least number of closed requests needed (--from-requests)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="measure only, store nothing (--from-requests)"
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="activate the new version (also done when none is active)",
        )
        parser.add_argument(
            "--holdout",
            type=float,
            default=None,
            help="share kept back for the metrics (default 0.15; 0.2 with "
            "--from-requests; 0 = none for CSV training)",
        )
        parser.add_argument("--name", default=DEFAULT_NAME, help="model name (default: category)")
        parser.add_argument("--notes", default="", help="free text stored with the version")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["train"] and not opts["from_requests"]:
            raise CommandError("give --train CSV, --from-requests, or both")
        try:
            rows = [row for path in opts["train"] for row in read_labelled_csv(path)]
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        out = self._from_requests(rows, opts) if opts["from_requests"] else self._csv(rows, opts)
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def _csv(self, rows: list[LabelledRow], opts: dict[str, Any]) -> dict[str, Any]:
        holdout = 0.15 if opts["holdout"] is None else opts["holdout"]
        if not 0 <= holdout < 1:
            raise CommandError("--holdout must be in [0, 1)")
        if opts["dry_run"]:
            raise CommandError("--dry-run goes with --from-requests")
        notes = opts["notes"] or "trained from " + ", ".join(opts["train"])
        try:
            version = train_from_rows(
                rows,
                name=opts["name"],
                activate=opts["activate"],
                holdout=holdout,
                notes=notes,
                created_by="nlp-train",
                seed=opts["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        return {
            "id": version.pk,
            "name": version.name,
            "version": version.version,
            "is_active": version.is_active,
            "n_train": version.n_train,
            "size": version.size,
            "labels": version.labels,
            "metrics": version.metrics,
        }

    def _from_requests(self, base: list[LabelledRow], opts: dict[str, Any]) -> dict[str, Any]:
        holdout = 0.2 if opts["holdout"] is None else opts["holdout"]
        if not 0 < holdout < 1:
            raise CommandError("--holdout must be in (0, 1) with --from-requests")
        if opts["activate"]:
            raise CommandError("--from-requests activates only a better model; drop --activate")
        if opts["min_rows"] < 2:
            raise CommandError("--min-rows must be at least 2")
        own = request_rows(opts["label_level"])
        if len(own) < opts["min_rows"]:
            raise CommandError(
                f"only {len(own)} closed requests with a category; --min-rows is {opts['min_rows']}"
            )
        sources = ["closed requests", *opts["train"]]
        try:
            summary = train_if_better(
                own,
                base_rows=base,
                name=opts["name"],
                holdout=holdout,
                seed=opts["seed"],
                dry_run=opts["dry_run"],
                created_by="nlp-train --from-requests",
                notes=opts["notes"] or "trained from " + ", ".join(sources),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        return {"name": opts["name"], "label_level": opts["label_level"], **summary}
