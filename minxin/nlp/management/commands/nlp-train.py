"""Train the request classifier on labelled CSV files and store it as a new model version.

    minxin nlp-train --train A.csv [--train B.csv ...] [--activate] [--holdout 0.15]

The metrics stored with the version come from a stratified held-out share of the raw
rows (training rows that near-duplicate them are dropped for that measurement); the
stored model is then trained on all rows. The new version is activated with
--activate, or when no version is active yet. Prints one JSON object.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from minxin.nlp.evaluation import read_labelled_csv
from minxin.nlp.services import DEFAULT_NAME, train_from_rows


class Command(BaseCommand):
    help = "Train the classifier on CSV files and store it as a ModelVersion."

    def add_arguments(self, parser):
        parser.add_argument("--train", action="append", required=True, metavar="CSV")
        parser.add_argument("--activate", action="store_true",
                            help="activate the new version (also done when none is active)")
        parser.add_argument("--holdout", type=float, default=0.15,
                            help="share of raw rows kept back for the stored metrics (0 = none)")
        parser.add_argument("--name", default=DEFAULT_NAME, help="model name (default: category)")
        parser.add_argument("--notes", default="", help="free text stored with the version")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **opts):
        if not 0 <= opts["holdout"] < 1:
            raise CommandError("--holdout must be in [0, 1)")
        try:
            rows = [row for path in opts["train"] for row in read_labelled_csv(path)]
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        notes = opts["notes"] or "trained from " + ", ".join(opts["train"])
        try:
            version = train_from_rows(rows, name=opts["name"], activate=opts["activate"],
                                      holdout=opts["holdout"], notes=notes,
                                      created_by="nlp-train", seed=opts["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = {
            "id": version.pk,
            "name": version.name,
            "version": version.version,
            "is_active": version.is_active,
            "n_train": version.n_train,
            "size": version.size,
            "labels": version.labels,
            "metrics": version.metrics,
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
