"""Measure the case index: query by each message's title, find that message again.

The corpus is padded to a realistic size with (1) the real messages of the other shared files,
minus any that repeat an evaluated message, then (2) synthetic recombinations of those padding
messages: the first half of one title joined to the second half of another, and sentences
drawn from two to four bodies until a length drawn from the real lengths is reached. Evaluated
messages are never used as material for padding, so padding is pure distraction.
"""

from __future__ import annotations

import csv
import random
import re
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from minxin.similar import index as case_index

DRAFT_CHARS = 60
SIBLING_FILES = ["messages-with-likes.csv", "messages-unlabeled.csv", "complaints-sample-raw.csv"]
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def read_messages(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row.get("title") and row.get("text")]


def padding_sources(cases_path: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """The files given, or else the other shared message files beside the evaluated one."""
    given = list(extra)
    if given:
        return given
    return [p for p in (cases_path.parent / name for name in SIBLING_FILES) if p.exists()]


def real_padding(cases: list[dict[str, str]], sources: list[Path]) -> list[tuple[str, str]]:
    """(title, text) of the other files' messages, without repeats of an evaluated one."""
    seen_titles = {c["title"] for c in cases}
    seen_texts = {c["text"][:100] for c in cases}
    rows = []
    for path in sources:
        for row in read_messages(path):
            if row["title"] in seen_titles or row["text"][:100] in seen_texts:
                continue
            seen_titles.add(row["title"])
            seen_texts.add(row["text"][:100])
            rows.append((row["title"], row["text"]))
    return rows


def synthetic_padding(
    material: list[tuple[str, str]], n: int, *, seed: int = 0
) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    titles = [t for t, _ in material]
    sentences = [[s for s in _SENTENCE_END.split(body) if s] for _, body in material]
    lengths = [len(body) for _, body in material]
    made = []
    for _ in range(n):
        a, b = rng.choice(titles), rng.choice(titles)
        title = a[: len(a) // 2] + b[len(b) // 2 :]
        want, parts = rng.choice(lengths), []
        for source in rng.sample(sentences, rng.randint(2, 4)):
            parts.extend(source[: rng.randint(1, max(1, len(source)))])
            if sum(map(len, parts)) >= want:
                break
        made.append((title, "".join(parts)[: max(want, 20)]))
    return made


def evaluate(
    cases: list[dict[str, str]], *, pad_sources: list[Path], pad_to: int = 0, seed: int = 0
) -> dict[str, float | int | str]:
    corpus = [(c["title"], c["text"]) for c in cases]
    real = real_padding(cases, pad_sources) if pad_to > len(corpus) else []
    corpus += real[: max(0, pad_to - len(corpus))]
    synthetic = synthetic_padding(real, max(0, pad_to - len(corpus)), seed=seed)
    corpus += synthetic
    keys = [str(i) for i in range(len(corpus))]
    started = time.perf_counter()
    built = case_index.build(keys, [t for t, _ in corpus], [b for _, b in corpus])
    build_seconds = time.perf_counter() - started
    result = _query_all(built, cases)
    result.update(
        n_queries=len(cases),
        n_cases=len(corpus),
        n_real_padding=len(corpus) - len(cases) - len(synthetic),
        n_synthetic_padding=len(synthetic),
        build_seconds=round(build_seconds, 2),
        index_mb=round(_megabytes(built), 1),
    )
    return result


def _query_all(built: case_index.CaseIndex, cases: list[dict[str, str]]) -> dict:
    """Titles alone (the measure asked for), then the first DRAFT_CHARS characters of each
    body, as a citizen's half-written draft."""
    title = _recall(built, [c["title"] for c in cases])
    draft = _recall(built, [c["text"][:DRAFT_CHARS] for c in cases])
    return {
        "recall_at_1": title["at_1"],
        "recall_at_5": title["at_5"],
        "latency_ms_p50": title["p50"],
        "latency_ms_p95": title["p95"],
        "latency_ms_max": title["max"],
        "draft_recall_at_5": draft["at_5"],
        "draft_latency_ms_p95": draft["p95"],
    }


def _recall(built: case_index.CaseIndex, queries: list[str]) -> dict[str, float]:
    hits1 = hits5 = 0
    latencies = []
    for i, query in enumerate(queries):
        started = time.perf_counter()
        found = [key for key, _ in built.search(query, k=5)]
        latencies.append((time.perf_counter() - started) * 1000)
        hits1 += found[:1] == [str(i)]
        hits5 += str(i) in found
    ms = np.array(latencies)
    return {
        "at_1": round(hits1 / len(queries), 4),
        "at_5": round(hits5 / len(queries), 4),
        "p50": round(float(np.percentile(ms, 50)), 2),
        "p95": round(float(np.percentile(ms, 95)), 2),
        "max": round(float(ms.max()), 2),
    }


def _megabytes(built: case_index.CaseIndex) -> float:
    m = built.matrix
    return (m.data.nbytes + m.indices.nbytes + m.indptr.nbytes + built.idf.nbytes) / 2**20
