"""Measure the request classifier against the published baseline, as one JSON object.

    minxin nlp-evaluate --train A.csv [--train B.csv ...] --test T.csv [--json] [--cv K]
    minxin nlp-evaluate --train seg.csv --train raw.csv --cv 5          # CV over raw rows
    minxin nlp-evaluate --train seg.csv --train raw.csv --cv 5 --cv-on all
    minxin nlp-evaluate --train seg.csv --train raw.csv --test-split 0.3   # hold out raw rows

CSV columns: `text`, `category` (or `label`), optional `title`; pre-segmented files
(spaces between words) are recognised and handled like raw ones. Training rows that
near-duplicate a test row are dropped first (`--keep-duplicates` to disallow that).
"""

from __future__ import annotations

import json
import math
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.nlp.dataset import LabelledRow, read_labelled_csv, split_rows
from minxin.nlp.evaluation import cross_validate, evaluate_holdout
from minxin.nlp.pipeline import ModelConfig


class Command(BaseCommand):
    help = "Train on the given CSV files and report accuracy, macro-F1 and speed as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--train",
            action="append",
            required=True,
            metavar="CSV",
            help="labelled training file (repeatable)",
        )
        parser.add_argument("--test", metavar="CSV", help="labelled test file")
        parser.add_argument(
            "--test-split",
            type=float,
            metavar="F",
            help="without --test: hold out this stratified share of the raw "
            "training rows as the test set",
        )
        parser.add_argument(
            "--cv",
            type=int,
            metavar="K",
            help="K-fold cross-validation (over the raw training rows)",
        )
        parser.add_argument(
            "--cv-on",
            choices=["raw", "all"],
            default="raw",
            help="which rows the CV folds test on (default: raw rows)",
        )
        parser.add_argument("--seed", type=int, default=0, help="CV shuffling seed")
        parser.add_argument(
            "--json",
            action="store_true",
            help="compact one-line JSON (the output is JSON either way)",
        )
        parser.add_argument(
            "--keep-duplicates",
            action="store_true",
            help="do not drop training rows that near-duplicate test rows",
        )
        parser.add_argument(
            "--no-baseline",
            action="store_true",
            help="skip the char 1-3-gram TF-IDF + LinearSVC reference",
        )
        parser.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
        parser.add_argument(
            "--config",
            metavar="JSON",
            default="{}",
            help="model settings to override, e.g. '{\"nb\": false}' "
            "(see minxin.nlp.pipeline.ModelConfig; for ablations)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        try:
            train_rows = [row for path in opts["train"] for row in read_labelled_csv(path)]
            test_rows = read_labelled_csv(opts["test"]) if opts["test"] else None
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if not train_rows:
            raise CommandError("no labelled training rows")
        try:
            config = ModelConfig.from_dict(json.loads(opts["config"]))
        except (ValueError, TypeError) as exc:
            raise CommandError(f"--config: {exc}") from exc
        if test_rows is None and opts["test_split"]:
            train_rows, test_rows = _split_raw(train_rows, opts["test_split"], opts["seed"])
        result = _evaluate(train_rows, test_rows, config, opts)
        result["config"] = config.as_dict()
        result["train_files"] = opts["train"]
        result["test_file"] = opts["test"]
        result["total_seconds"] = round(time.perf_counter() - started, 1)
        text = json.dumps(result, ensure_ascii=False, indent=None if opts["json"] else 2)
        self.stdout.write(text)


def _evaluate(
    train_rows: list[LabelledRow],
    test_rows: list[LabelledRow] | None,
    config: ModelConfig,
    opts: dict[str, Any],
) -> dict[str, Any]:
    """A hold-out on `test_rows` (with a CV nested under "cv" if asked), else a CV."""
    common: dict[str, Any] = {
        "config": config,
        "dedup": not opts["keep_duplicates"],
        "baseline": not opts["no_baseline"],
        "speed": not opts["no_speed"],
    }
    if test_rows is None:
        k = opts["cv"] or 5
        if k < 2:
            raise CommandError("--cv needs K >= 2")
        return cross_validate(train_rows, k, on=opts["cv_on"], seed=opts["seed"], **common)
    if not test_rows:
        raise CommandError("no labelled test rows")
    result = evaluate_holdout(train_rows, test_rows, **common)
    result.pop("model", None)
    if opts["cv"]:
        result["cv"] = cross_validate(
            train_rows,
            opts["cv"],
            on=opts["cv_on"],
            seed=opts["seed"],
            **{**common, "speed": False},
        )
    return result


def _split_raw(
    rows: list[LabelledRow], fraction: float, seed: int
) -> tuple[list[LabelledRow], list[LabelledRow]]:
    """Stratified split of the raw (not pre-segmented) rows; segmented rows all train."""
    if not 0 < fraction < 1:
        raise CommandError("--test-split must be between 0 and 1")
    raw = [i for i, r in enumerate(rows) if not r.segmented]
    if len(raw) < 10:
        raise CommandError("--test-split needs at least 10 raw (unsegmented) rows")
    return split_rows(rows, math.ceil(fraction * len(raw)), seed, pool=raw)
