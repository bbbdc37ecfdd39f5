"""Honest measurement of the classifier: data loading, near-duplicate removal, metrics.

The two labelled files of the shared data overlap: 483 of the 494 raw messages in
complaints-sample-raw.csv are also (segmented) in complaints-train-segmented.csv, with the
same label. Testing on them after training on the segmented file measures memory, not
classification. Every evaluation here therefore drops from the training rows each
near-duplicate of a test row (`near_duplicates`), exactly as the data provider did for its
own kept-back set, and reports how many it dropped.
"""

from __future__ import annotations

import csv
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .pipeline import ModelConfig, baseline_pipeline, train_normalized
from .preprocess import normalize

__all__ = [
    "LabelledRow",
    "classification_metrics",
    "cross_validate",
    "evaluate_holdout",
    "looks_segmented",
    "measure_speed",
    "near_duplicates",
    "read_labelled_csv",
    "shared_data_dir",
]

_CJK_SPACE_CJK = re.compile(r"[\u4e00-\u9fff] (?=[\u4e00-\u9fff])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class LabelledRow:
    text: str
    label: str
    source: str = ""
    segmented: bool = False


def shared_data_dir() -> Path | None:
    """The shared real-data directory: $MINXIN_SHARED_DATA or <repo>/../shared/data."""
    env = os.environ.get("MINXIN_SHARED_DATA")
    if env:
        path = Path(env)
    else:
        path = Path(__file__).resolve().parents[3] / "shared" / "data"
    return path if path.is_dir() else None


def looks_segmented(texts: Iterable[str]) -> bool:
    """True when the texts are pre-segmented (spaces between most Chinese words)."""
    spaces = chars = 0
    for text in texts:
        spaces += len(_CJK_SPACE_CJK.findall(text))
        chars += len(_CJK.findall(text))
    return chars > 0 and spaces / chars > 0.15


def read_labelled_csv(path: str | os.PathLike) -> list[LabelledRow]:
    """Rows of a CSV with columns `text`, `category` (or `label`) and optionally `title`.

    The message is ``title + "\\n" + text``. Whether the file is pre-segmented is
    detected from its content and recorded on every row.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = {f.strip().lower(): f for f in (reader.fieldnames or [])}
        text_col = fields.get("text")
        label_col = fields.get("category") or fields.get("label")
        title_col = fields.get("title")
        if not text_col or not label_col:
            raise ValueError(f"{path}: need columns 'text' and 'category' (have {sorted(fields)})")
        items = []
        for record in reader:
            label = (record.get(label_col) or "").strip()
            body = record.get(text_col) or ""
            title = (record.get(title_col) or "").strip() if title_col else ""
            text = f"{title}\n{body}" if title else body
            if label and text.strip():
                items.append((text, label))
    segmented = looks_segmented(t for t, _ in items[:500])
    return [LabelledRow(t, label, path.name, segmented) for t, label in items]


# -- near-duplicates -----------------------------------------------------------------
def _shingles(normalized: str, n: int = 4) -> set[str]:
    s = normalized.replace(" ", "")
    if len(s) < n:
        return {s} if s else set()
    return {s[i : i + n] for i in range(len(s) - n + 1)}


def near_duplicates(
    train_normalized: Sequence[str],
    test_normalized: Sequence[str],
    threshold: float = 0.5,
    common: int = 50,
) -> dict[int, set[int]]:
    """For each training row that near-duplicates some test row: the test rows it copies.

    Two texts are near-duplicates when at least `threshold` of the character 4-grams of
    the shorter one occur in the other (containment). Both sides must be normalised, so
    a raw message and its segmented version compare as the same text. 4-grams shared by
    more than `common` test rows (stock phrases) are ignored. On the shared data the
    raw-vs-segmented copies score 0.8-1.0 and unrelated messages below 0.3.
    """
    test_sets = [_shingles(t) for t in test_normalized]
    index: dict[str, list[int]] = defaultdict(list)
    for j, shingles in enumerate(test_sets):
        for s in shingles:
            index[s].append(j)
    found: dict[int, set[int]] = {}
    for i, text in enumerate(train_normalized):
        shingles = _shingles(text)
        if not shingles:
            continue
        hits: dict[int, int] = defaultdict(int)
        for s in shingles:
            rows = index.get(s)
            if rows and len(rows) <= common:
                for j in rows:
                    hits[j] += 1
        for j, shared in hits.items():
            if shared >= threshold * max(1, min(len(shingles), len(test_sets[j]))):
                found.setdefault(i, set()).add(j)
    return found


# -- metrics -------------------------------------------------------------------------
def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    true_labels = sorted(set(y_true))
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(
            float(f1_score(y_true, y_pred, labels=true_labels, average="macro", zero_division=0)),
            4,
        ),
        "per_class": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, label in enumerate(labels)
        },
    }


def _top_k_accuracy(model, texts: Sequence[str], y_true: Sequence[str], k: int = 3) -> float:
    tops = model.predict_top_k(texts, k=k)
    hits = sum(1 for top, y in zip(tops, y_true) if y in {label for label, _ in top})
    return round(hits / max(1, len(y_true)), 4)


def measure_speed(model, texts: Sequence[str], min_requests: int = 2000) -> dict:
    """Requests per second on one core: one request per call, and in batches of 256.

    Each request is the full path from raw text to top-3 (label, confidence).
    """
    from threadpoolctl import threadpool_limits

    texts = [t for t in texts if t] or ["城市道路积水严重，请尽快处理"]
    reps = max(1, -(-min_requests // len(texts)))
    stream = (list(texts) * reps)[:max(min_requests, len(texts))]
    with threadpool_limits(limits=1):
        model.predict_top_k(stream[:1])  # warm caches (jieba tables, fast-path blocks)
        started = time.perf_counter()
        for text in stream:
            model.predict_top_k([text], k=3)
        single = len(stream) / (time.perf_counter() - started)
        started = time.perf_counter()
        for i in range(0, len(stream), 256):
            model.predict_top_k(stream[i : i + 256], k=3)
        batch = len(stream) / (time.perf_counter() - started)
    return {"predict_per_second": round(single, 1), "predict_batch_per_second": round(batch, 1)}


# -- evaluations ---------------------------------------------------------------------
def _baseline_scores(train_rows, test_rows) -> tuple[list[str], float]:
    started = time.perf_counter()
    pipe = baseline_pipeline()
    pipe.fit([r.text for r in train_rows], [r.label for r in train_rows])
    seconds = time.perf_counter() - started
    return [str(p) for p in pipe.predict([r.text for r in test_rows])], seconds


def evaluate_holdout(
    train_rows: Sequence[LabelledRow],
    test_rows: Sequence[LabelledRow],
    *,
    dedup: bool = True,
    baseline: bool = True,
    speed: bool = True,
    config: ModelConfig | None = None,
) -> dict:
    """Train on `train_rows` (minus near-duplicates of the test rows), test on `test_rows`."""
    from .pipeline import train

    config = config or ModelConfig()
    dropped = 0
    if dedup:
        started = time.perf_counter()
        dupes = near_duplicates(
            [normalize(r.text, config.max_chars) for r in train_rows],
            [normalize(r.text, config.max_chars) for r in test_rows],
        )
        dropped = len(dupes)
        train_rows = [r for i, r in enumerate(train_rows) if i not in dupes]
        dedup_seconds = time.perf_counter() - started
    else:
        dedup_seconds = 0.0
    model = train([r.text for r in train_rows], [r.label for r in train_rows], config)
    y_true = [r.label for r in test_rows]
    y_pred = model.predict([r.text for r in test_rows])
    result = {
        "mode": "holdout",
        **classification_metrics(y_true, y_pred),
        "top3_accuracy": _top_k_accuracy(model, [r.text for r in test_rows], y_true),
        "n_train": len(train_rows),
        "n_test": len(test_rows),
        "n_train_dropped_near_duplicates": dropped,
        "dedup": dedup,
        "dedup_seconds": round(dedup_seconds, 2),
        "train_seconds": model.train_seconds,
        "temperature": round(model.temperature, 4),
        "labels": model.classes,
    }
    if speed:
        result.update(measure_speed(model, [r.text for r in test_rows]))
    if baseline:
        base_pred, base_seconds = _baseline_scores(train_rows, test_rows)
        base = classification_metrics(y_true, base_pred)
        result["baseline_accuracy"] = base["accuracy"]
        result["baseline_macro_f1"] = base["macro_f1"]
        result["baseline_train_seconds"] = round(base_seconds, 2)
    result["model"] = model
    return result


def cross_validate(
    rows: Sequence[LabelledRow],
    k: int = 5,
    *,
    on: str = "raw",
    seed: int = 0,
    dedup: bool = True,
    baseline: bool = True,
    speed: bool = True,
    config: ModelConfig | None = None,
) -> dict:
    """Stratified k-fold over the raw rows (``on="raw"``) or over all rows (``on="all"``).

    Each fold tests on its share of those rows and trains on every other row (segmented
    ones included) minus the near-duplicates of its test rows. With ``on="all"`` the folds
    keep near-duplicate groups together. Metrics are computed over the pooled out-of-fold
    predictions; per-fold accuracies are listed as well.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    config = config or ModelConfig()
    rows = list(rows)
    labels = np.array([r.label for r in rows], dtype=object)
    started = time.perf_counter()
    normalized = [normalize(r.text, config.max_chars) for r in rows]
    normalize_seconds_per_row = (time.perf_counter() - started) / max(1, len(rows))

    if on == "raw":
        pool = np.array([i for i, r in enumerate(rows) if not r.segmented])
        if len(pool) < k:
            pool = np.arange(len(rows))
            on = "all"
    elif on == "all":
        pool = np.arange(len(rows))
    else:
        raise ValueError("on must be 'raw' or 'all'")

    if on == "all":
        # Group near-duplicates so that copies never sit on both sides of a split.
        parent = list(range(len(rows)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, js in near_duplicates(normalized, normalized).items():
            for j in js:
                parent[find(i)] = find(j)
        groups = np.array([find(i) for i in range(len(rows))])
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = splitter.split(pool, labels[pool], groups[pool])
    else:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = splitter.split(pool, labels[pool])

    y_true: list[str] = []
    y_pred: list[str] = []
    base_pred: list[str] = []
    fold_acc, fold_base_acc, train_seconds, dropped = [], [], [], []
    top3_hits = 0
    model = None
    for _, test_pos in splits:
        test_idx = pool[test_pos]
        test_set = set(test_idx.tolist())
        train_idx = [i for i in range(len(rows)) if i not in test_set]
        if dedup:
            dupes = near_duplicates(
                [normalized[i] for i in train_idx], [normalized[i] for i in test_idx]
            )
            dropped.append(len(dupes))
            train_idx = [i for n, i in enumerate(train_idx) if n not in dupes]
        fit_started = time.perf_counter()
        model = train_normalized(
            [normalized[i] for i in train_idx], labels[train_idx], config
        )
        # Honest training time: fitting plus the normalisation of the training texts.
        train_seconds.append(
            time.perf_counter() - fit_started + normalize_seconds_per_row * len(train_idx)
        )
        test_norm = [normalized[i] for i in test_idx]
        scores = model.decision_function_normalized(test_norm)
        classes = model.classes
        pred = [classes[c] for c in scores.argmax(axis=1)]
        top3 = np.argsort(-scores, axis=1)[:, :3]
        truth = [str(labels[i]) for i in test_idx]
        top3_hits += sum(1 for t, row in zip(truth, top3) if t in {classes[c] for c in row})
        y_true += truth
        y_pred += pred
        fold_acc.append(round(float(np.mean([a == b for a, b in zip(truth, pred)])), 4))
        if baseline:
            bp, _ = _baseline_scores([rows[i] for i in train_idx], [rows[i] for i in test_idx])
            base_pred += bp
            fold_base_acc.append(round(float(np.mean([a == b for a, b in zip(truth, bp)])), 4))

    result = {
        "mode": f"cv-{on}",
        "folds": k,
        "seed": seed,
        **classification_metrics(y_true, y_pred),
        "top3_accuracy": round(top3_hits / max(1, len(y_true)), 4),
        "fold_accuracy": fold_acc,
        "n_rows": len(rows),
        "n_test": len(y_true),
        "n_train_mean": round(
            float(len(rows) - len(y_true) / k - (np.mean(dropped) if dropped else 0))
        ),
        "n_train_dropped_near_duplicates_mean": round(float(np.mean(dropped)), 1) if dropped else 0,
        "dedup": dedup,
        "train_seconds": round(float(np.mean(train_seconds)), 2),
    }
    if baseline:
        base = classification_metrics(y_true, base_pred)
        result["baseline_accuracy"] = base["accuracy"]
        result["baseline_macro_f1"] = base["macro_f1"]
        result["baseline_fold_accuracy"] = fold_base_acc
    if speed and model is not None:
        result.update(measure_speed(model, [rows[i].text for i in pool]))
    return result
