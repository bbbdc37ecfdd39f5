"""Route held-out public messages as plain complaints in the demo city, and compare the top
unit with the unit a resident would expect there (in a transaction that is rolled back).

    minxin routing-expected [--data DIR] [--expected minxin/demo/data/expected_units.csv]

The held-out messages are the 30 % of the raw messages `nlp-build-default` keeps back (seed
0); a classifier is trained on every other row minus their near-duplicates. Each message
arrives as a citizen would send it: no category chosen, no district, no past requests, so
only the classifier, the label mapping, the keyword evidence and the responsibility table
speak. `expected_units.csv` (message id -> demo unit code, or "other" where the demo city
has no such unit) was annotated by reading each message before any routing was measured.
Prints one JSON object: top-1 and top-3 accuracy over the messages with an expected unit,
per expected unit, and how often a second-level category was given.
"""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minxin.nlp.dataset import drop_near_duplicates, read_labelled_csv, shared_data_dir, split_rows
from minxin.nlp.fitting import train

EXPECTED = Path(__file__).resolve().parents[2] / "data" / "expected_units.csv"
FILES = ("complaints-train-segmented.csv", "complaints-sample-raw.csv")


class Command(BaseCommand):
    help = "Top unit for held-out public messages vs. the unit a resident expects (rolled back)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data", default=None, help="the labelled CSVs (../shared/data)")
        parser.add_argument("--expected", default=str(EXPECTED))
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        data = Path(opts["data"]) if opts["data"] else shared_data_dir()
        if data is None or not all((data / f).is_file() for f in FILES):
            raise CommandError("labelled data not found (--data, MINXIN_SHARED_DATA)")
        with open(opts["expected"], encoding="utf-8") as fh:
            expected = {row["id"]: row["expected"] for row in csv.DictReader(fh)}
        with open(data / FILES[1], encoding="utf-8") as fh:
            ids = {row["title"].strip(): row["id"] for row in csv.DictReader(fh)}
        rows = [r for f in FILES for r in read_labelled_csv(data / f)]
        raw = [i for i, r in enumerate(rows) if not r.segmented]
        fit_rows, test = split_rows(rows, math.ceil(0.3 * len(raw)), opts["seed"], pool=raw)
        fit_rows, _ = drop_near_duplicates(fit_rows, test)
        model = train([r.text for r in fit_rows], [r.label for r in fit_rows])
        cases = []
        for r in test:
            title, _, body = r.text.partition("\n")
            code = expected.get(ids.get(title.strip(), ""))
            if code is not None:
                cases.append((title, body, code))
        with transaction.atomic():
            out = _route(model, cases)
            transaction.set_rollback(True)
        from minxin.nlp.prediction import active_models

        active_models.forget()
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))


def _route(model: Any, cases: list[tuple[str, str, str]]) -> dict[str, Any]:
    from minxin.demo.seed import build_city
    from minxin.nlp.registry import model_version_create
    from minxin.tickets.models import Ticket
    from minxin.workbench.suggest import Suggester

    build_city()
    model_version_create(model=model, activate=True)
    tickets = [Ticket(title=title, content=body) for title, body, _ in cases]
    suggestions = Suggester().suggest(tickets)
    scored = [c for c in zip(cases, suggestions, strict=True) if c[0][2] != "other"]
    top1: Counter[str] = Counter()
    top3: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    second_level = 0
    for (_, _, code), s in scored:
        seen[code] += 1
        units = [g.unit.code for g in s.units]
        top1[code] += bool(units) and units[0] == code
        top3[code] += code in units
        second_level += bool(s.guesses) and s.guesses[0].category.parent_id is not None
    n = max(1, len(scored))
    return {
        "n_messages": len(cases),
        "n_with_expected_unit": len(scored),
        "top1_accuracy": round(sum(top1.values()) / n, 4),
        "top3_accuracy": round(sum(top3.values()) / n, 4),
        "second_level_given": round(second_level / n, 4),
        "per_expected_unit": {
            code: {"n": seen[code], "top1": round(top1[code] / seen[code], 4)}
            for code in sorted(seen)
        },
    }
