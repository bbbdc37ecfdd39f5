# ruff: noqa: N999 - named like the other evaluation commands: `minxin risk-evaluate`
"""`minxin risk-evaluate --messages messages-unlabeled.csv --json`: how the current lexicon
grades real messages. Run it after editing the lexicon to see the effect before it alerts."""

from __future__ import annotations

import csv
import json
import time
from argparse import ArgumentParser
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from minxin.risk.scoring import assess, level_for
from minxin.risk.services import terms
from minxin.similar.text import weighted_keywords


class Command(BaseCommand):
    help = "Risk levels and danger categories the lexicon gives a CSV of messages (title, text)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--messages", type=Path, action="append", required=True)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        texts = [text for path in opts["messages"] for text in _texts(path)]
        lexicon, ms = terms.get(None), []
        levels: Counter[str] = Counter()
        categories: Counter[str] = Counter()
        for text in texts:
            started = time.perf_counter()
            weighted_keywords(text)  # part of the submission's cost, so part of the timing
            assessment = assess(text, lexicon)
            ms.append((time.perf_counter() - started) * 1000)
            levels[level_for(assessment)] += 1
            categories.update(assessment.categories)
        result = {
            "n": len(texts),
            "levels": dict(levels),
            "share": {k: round(v / max(1, len(texts)), 4) for k, v in levels.items()},
            "danger_categories": dict(categories.most_common()),
            "ms_p50": round(float(np.percentile(ms, 50)), 2) if ms else 0,
            "ms_p95": round(float(np.percentile(ms, 95)), 2) if ms else 0,
        }
        self.stdout.write(
            json.dumps(result, ensure_ascii=False)
            if opts["json"]
            else "\n".join(f"{k}: {v}" for k, v in result.items())
        )


def _texts(path: Path) -> list[str]:
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [f"{row.get('title', '')}\n{row.get('text', '')}" for row in csv.DictReader(f)]
