"""Rebuild the default classifier shipped inside the package, reproducibly.

    minxin nlp-build-default --data ../shared/data [--out minxin/nlp/default_model/category.npz]

Reads the public labelled messages (`complaints-train-segmented.csv`,
`complaints-sample-raw.csv`), measures on a kept-back 30 % of the raw messages, trains on
every row, and writes the model (.npz, no pickle) and its provenance (.json: data files and
their SHA-256, row counts, parameters, accuracy, calibration). Prints the provenance.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.nlp.default import DATA_FILES, build_default, default_model_dir


class Command(BaseCommand):
    help = "Rebuild the shipped default classifier from the public labelled messages."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data", required=True, help="folder holding the labelled CSVs")
        parser.add_argument("--out", default=str(default_model_dir() / "category.npz"))
        parser.add_argument("--seed", type=int, default=0, help="seed of the kept-back share")

    def handle(self, *args: Any, **opts: Any) -> None:
        data = Path(opts["data"])
        missing = [name for name in DATA_FILES if not (data / name).is_file()]
        if missing:
            raise CommandError(f"{data} lacks {', '.join(missing)}")
        out = Path(opts["out"])
        if out.suffix != ".npz":
            raise CommandError("--out must name an .npz file")
        provenance = build_default(data, out, seed=opts["seed"])
        self.stdout.write(json.dumps(provenance, ensure_ascii=False, indent=1))
