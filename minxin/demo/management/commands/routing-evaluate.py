"""Measure unit recommendation on real messages, in a transaction that is rolled back.

    minxin routing-evaluate [--test-share 0.3] [--noise 0.1] [--seed 0]

Simulation on the demo city: the labelled raw messages get a random district; the unit that
really handles one is the district for 城乡建设 (the city's practice, which the first-level
table does not say) and the owning bureau otherwise. The other rows are past requests,
dispatched to that unit except for a `--noise` share sent to a random unit. A classifier is
trained on the segmented file minus near-duplicates of the test rows. Prints one JSON object:
top-1/top-3 accuracy with the table only, + history, + neighbours, and the latency.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minxin.nlp.dataset import LabelledRow, drop_near_duplicates, read_labelled_csv, shared_data_dir
from minxin.nlp.fitting import train
from minxin.nlp.pipeline import Model
from minxin.org.models import Category, Unit
from minxin.routing import recommend
from minxin.routing.recommend import Case, Knowledge


class Command(BaseCommand):
    help = "Top-1/top-3 accuracy and latency of unit recommendation (simulation, rolled back)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--test-share", type=float, default=0.3)
        parser.add_argument("--noise", type=float, default=0.1)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **opts: Any) -> None:
        data = shared_data_dir()
        if data is None:
            raise CommandError("shared data not found (MINXIN_SHARED_DATA or ../shared/data)")
        with transaction.atomic():
            out = self._run(data, opts)
            transaction.set_rollback(True)
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))

    def _run(self, data: Path, opts: dict[str, Any]) -> dict[str, Any]:
        from minxin.demo.seed import build_city
        from minxin.org.models import RequestType
        from minxin.tickets.models import Ticket

        build_city()
        rng = random.Random(opts["seed"])
        raw = read_labelled_csv(data / "complaints-sample-raw.csv")
        rng.shuffle(raw)
        n_test = round(len(raw) * opts["test_share"])
        test, past = raw[:n_test], raw[n_test:]
        seg = read_labelled_csv(data / "complaints-train-segmented.csv")
        seg, _ = drop_near_duplicates(seg, test)
        model = train([r.text for r in seg + past], [r.label for r in seg + past])
        districts = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT))
        units = list(Unit.objects.exclude(kind=Unit.Kind.CENTRE))
        tops = {c.name: c for c in Category.objects.filter(parent=None)}
        bureau = {name: c.responsibilities.get(district=None).unit for name, c in tops.items()}

        def truth(label: str, district: Unit) -> Unit:
            return district if label == "城乡建设" else bureau[label]

        kind = RequestType.objects.first()
        rows = []
        for i, r in enumerate(past):
            d = rng.choice(districts)
            lead = rng.choice(units) if rng.random() < opts["noise"] else truth(r.label, d)
            rows.append(
                Ticket(
                    tracking_code=f"SIM{i:07d}",
                    request_type=kind,
                    title=r.text[:40],
                    content=r.text,
                    category=tops[r.label],
                    district=d,
                    lead_unit=lead,
                    status="dispatched",
                    created_at=_now(),
                )
            )
        Ticket.objects.bulk_create(rows, batch_size=500)
        known = recommend.load_base()
        known.neighbours = recommend.load_neighbours()
        cases, answers = [], []
        for r in test:
            d = rng.choice(districts)
            top = model.predict_top_k([r.text], k=3)[0]
            cases.append(Case(r.text, d.pk, guesses=[(tops[label].pk, p) for label, p in top]))
            answers.append(truth(r.label, d).pk)
        return {
            "n_past": len(rows),
            "n_test": len(test),
            "noise": opts["noise"],
            **_score(
                "table_only", _variant(known, history=False, neighbours=False), cases, answers
            ),
            **_score("table_history", _variant(known, neighbours=False), cases, answers),
            **_score("full", known, cases, answers),
            **_latency(known, model, test, districts, tops),
        }


def _now() -> dt.datetime:
    from minxin.core import clock

    return clock.now()


def _variant(known: Knowledge, *, history: bool = True, neighbours: bool = True) -> Knowledge:
    import copy

    v = copy.copy(known)
    v.history = known.history if history else {}
    v.neighbours = known.neighbours if neighbours else None
    return v


def _score(name: str, known: Knowledge, cases: list[Case], answers: list[int]) -> dict[str, float]:
    got = known.recommend(cases)
    top1 = sum(1 for g, a in zip(got, answers, strict=False) if g and g[0].unit.pk == a)
    top3 = sum(1 for g, a in zip(got, answers, strict=False) if a in [x.unit.pk for x in g])
    return {
        f"{name}_top1": round(top1 / len(cases), 4),
        f"{name}_top3": round(top3 / len(cases), 4),
    }


def _latency(
    known: Knowledge,
    model: Model,
    test: list[LabelledRow],
    districts: list[Unit],
    tops: dict[str, Category],
) -> dict[str, float]:
    started = time.perf_counter()
    for r in test:
        top = model.predict_top_k([r.text], k=3)[0]
        known.recommend(
            [Case(r.text, districts[0].pk, guesses=[(tops[label].pk, p) for label, p in top])]
        )
    single = (time.perf_counter() - started) / len(test)
    batch = test[:15]
    started = time.perf_counter()
    tops_k = model.predict_top_k([r.text for r in batch], k=3)
    known.recommend(
        [
            Case(r.text, districts[0].pk, guesses=[(tops[label].pk, p) for label, p in t])
            for r, t in zip(batch, tops_k, strict=False)
        ]
    )
    return {
        "ms_per_request_single": round(single * 1000, 2),
        "ms_per_page_of_15": round((time.perf_counter() - started) * 1000, 2),
    }
