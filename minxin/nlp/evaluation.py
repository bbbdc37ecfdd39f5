"""Honest measurement of the classifier: metrics, speed, a hold-out and cross-validation.

Training rows that near-duplicate a test row are dropped first (`minxin.nlp.dataset`), and
the published baseline is measured on the same rows in the same run. docs/nlp.md gives the
figures and the commands (`minxin nlp-evaluate`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from threadpoolctl import threadpool_limits

from minxin.nlp.calibration import reliability
from minxin.nlp.dataset import LabelledRow, near_duplicate_groups, near_duplicates
from minxin.nlp.fitting import train_normalized
from minxin.nlp.pipeline import Model, ModelConfig, baseline_pipeline, softmax
from minxin.nlp.preprocess import normalize

__all__ = ["classification_metrics", "cross_validate", "evaluate_holdout", "measure_speed"]


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the true labels, and precision/recall/F1 per label."""
    labels = sorted(set(y_true) | set(y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    macro = f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro", zero_division=0)
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(macro), 4),
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


def measure_speed(model: Model, texts: Sequence[str], min_requests: int = 2000) -> dict[str, float]:
    """Requests per second on one core: one request per call, and in batches of 256.

    Each request is the full path from raw text to top-3 (label, confidence).
    """
    texts = [t for t in texts if t] or ["城市道路积水严重，请尽快处理"]
    reps = max(1, -(-min_requests // len(texts)))
    stream = (list(texts) * reps)[: max(min_requests, len(texts))]
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


@dataclass
class _Trial:
    """One train/test run: the truth, the model's and the baseline's predictions."""

    truth: list[str]
    pred: list[str]
    top3_hits: int
    n_train: int
    dropped: int
    train_seconds: float
    model: Model
    baseline_pred: list[str] | None
    confidence: list[float]  # the top-1 confidence of each prediction


def _trial(
    rows: Sequence[LabelledRow],
    normalized: Sequence[str],
    train_idx: Sequence[int],
    test_idx: Sequence[int] | np.ndarray,  # a fold's indices, as the splitter gives them
    *,
    dedup: bool,
    baseline: bool,
    config: ModelConfig,
    normalize_seconds_per_row: float,
) -> _Trial:
    """Train on `train_idx` minus near-duplicates of `test_idx` (when `dedup`), test on
    `test_idx`. The training time counts the normalisation of the training texts."""
    dropped = 0
    if dedup:
        dupes = near_duplicates(
            [normalized[i] for i in train_idx], [normalized[i] for i in test_idx]
        )
        train_idx = [i for n, i in enumerate(train_idx) if n not in dupes]
        dropped = len(dupes)
    started = time.perf_counter()
    model = train_normalized(
        [normalized[i] for i in train_idx], [rows[i].label for i in train_idx], config
    )
    seconds = time.perf_counter() - started + normalize_seconds_per_row * len(train_idx)
    scores = model.decision_function_normalized([normalized[i] for i in test_idx])
    classes = model.classes
    truth = [rows[i].label for i in test_idx]
    top3 = np.argsort(-scores, axis=1)[:, :3]
    confidence = softmax(scores, model.temperature).max(axis=1).tolist()
    hits = sum(1 for t, row in zip(truth, top3, strict=True) if t in {classes[c] for c in row})
    base = (
        _baseline_predictions([rows[i] for i in train_idx], [rows[i] for i in test_idx])
        if baseline
        else None
    )
    return _Trial(
        truth,
        [classes[c] for c in scores.argmax(axis=1)],
        hits,
        len(train_idx),
        dropped,
        seconds,
        model,
        base,
        confidence,
    )


def _baseline_predictions(train_rows: list[LabelledRow], test_rows: list[LabelledRow]) -> list[str]:
    pipe = baseline_pipeline()
    pipe.fit([r.text for r in train_rows], [r.label for r in train_rows])
    return [str(p) for p in pipe.predict([r.text for r in test_rows])]


def _normalize_all(rows: Sequence[LabelledRow], max_chars: int) -> tuple[list[str], float]:
    """Every row's normalised text, and the seconds that took per row."""
    started = time.perf_counter()
    normalized = [normalize(r.text, max_chars) for r in rows]
    return normalized, (time.perf_counter() - started) / max(1, len(rows))


def _accuracy(truth: Sequence[str], pred: Sequence[str]) -> float:
    return round(float(np.mean([a == b for a, b in zip(truth, pred, strict=True)])), 4)


def _calibration(trials: Sequence[_Trial]) -> dict[str, Any]:
    """Reliability of the top-1 confidences over every trial's test rows."""
    confidence = [c for t in trials for c in t.confidence]
    correct = [a == b for t in trials for a, b in zip(t.truth, t.pred, strict=True)]
    return reliability(confidence, correct)


def _with_baseline(result: dict[str, Any], truth: list[str], base: list[str]) -> dict[str, Any]:
    scored = classification_metrics(truth, base)
    return {
        **result,
        "baseline_accuracy": scored["accuracy"],
        "baseline_macro_f1": scored["macro_f1"],
    }


def evaluate_holdout(
    train_rows: Sequence[LabelledRow],
    test_rows: Sequence[LabelledRow],
    *,
    dedup: bool = True,
    baseline: bool = True,
    speed: bool = True,
    config: ModelConfig | None = None,
) -> dict[str, Any]:
    """Train on `train_rows` (minus near-duplicates of the test rows), test on `test_rows`.

    The trained model is returned under ``"model"``."""
    config = config or ModelConfig()
    rows = [*train_rows, *test_rows]
    normalized, per_row = _normalize_all(rows, config.max_chars)
    n = len(train_rows)
    trial = _trial(
        rows,
        normalized,
        range(n),
        range(n, len(rows)),
        dedup=dedup,
        baseline=baseline,
        config=config,
        normalize_seconds_per_row=per_row,
    )
    result: dict[str, Any] = {
        "mode": "holdout",
        **classification_metrics(trial.truth, trial.pred),
        "top3_accuracy": round(trial.top3_hits / max(1, len(trial.truth)), 4),
        "n_train": trial.n_train,
        "n_test": len(test_rows),
        "n_train_dropped_near_duplicates": trial.dropped,
        "dedup": dedup,
        "train_seconds": round(trial.train_seconds, 2),
        "temperature": round(trial.model.temperature, 4),
        "labels": trial.model.classes,
        "calibration": _calibration([trial]),
    }
    if speed:
        result.update(measure_speed(trial.model, [r.text for r in test_rows]))
    if trial.baseline_pred is not None:
        result = _with_baseline(result, trial.truth, trial.baseline_pred)
    return {**result, "model": trial.model}


def _cv_folds(
    rows: Sequence[LabelledRow], normalized: Sequence[str], k: int, on: str, seed: int
) -> tuple[str, list[np.ndarray]]:
    """The test rows of each fold, and what they were drawn from ("raw" or "all").

    ``on="raw"`` draws them from the raw (not pre-segmented) rows, stratified; ``on="all"``
    from every row, keeping groups of near-duplicates together."""
    if on not in ("raw", "all"):
        raise ValueError("on must be 'raw' or 'all'")
    pool = np.array([i for i, r in enumerate(rows) if not r.segmented])
    if on == "all" or len(pool) < k:
        on, pool = "all", np.arange(len(rows))
    labels = np.array([rows[i].label for i in pool], dtype=object)
    if on == "raw":
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(pool, labels)
    else:
        groups = near_duplicate_groups(normalized)
        splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        splits = splitter.split(pool, labels, groups)
    return on, [pool[test_pos] for _, test_pos in splits]


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
) -> dict[str, Any]:
    """Stratified k-fold over the raw rows (``on="raw"``) or over all rows (``on="all"``).

    Each fold tests on its share of those rows and trains on every other row (segmented
    ones included) minus the near-duplicates of its test rows. Metrics are computed over the
    pooled out-of-fold predictions; per-fold accuracies are listed as well.
    """
    config = config or ModelConfig()
    rows = list(rows)
    normalized, per_row = _normalize_all(rows, config.max_chars)
    on, folds = _cv_folds(rows, normalized, k, on, seed)
    trials = []
    for test_idx in folds:
        test_set = set(test_idx.tolist())
        train_idx = [i for i in range(len(rows)) if i not in test_set]
        trials.append(
            _trial(
                rows,
                normalized,
                train_idx,
                test_idx,
                dedup=dedup,
                baseline=baseline,
                config=config,
                normalize_seconds_per_row=per_row,
            )
        )
    result = _cv_summary(trials, on=on, k=k, seed=seed, n_rows=len(rows), dedup=dedup)
    if speed and trials:
        pool = np.concatenate(folds)
        result.update(measure_speed(trials[-1].model, [rows[i].text for i in sorted(pool)]))
    return result


def _cv_summary(
    trials: list[_Trial], *, on: str, k: int, seed: int, n_rows: int, dedup: bool
) -> dict[str, Any]:
    truth = [t for trial in trials for t in trial.truth]
    pred = [p for trial in trials for p in trial.pred]
    dropped = [trial.dropped for trial in trials] if dedup else []
    mean_dropped = float(np.mean(dropped)) if dropped else 0.0
    result: dict[str, Any] = {
        "mode": f"cv-{on}",
        "folds": k,
        "seed": seed,
        **classification_metrics(truth, pred),
        "top3_accuracy": round(sum(t.top3_hits for t in trials) / max(1, len(truth)), 4),
        "fold_accuracy": [_accuracy(t.truth, t.pred) for t in trials],
        "n_rows": n_rows,
        "n_test": len(truth),
        "n_train_mean": round(float(n_rows - len(truth) / k - mean_dropped)),
        "n_train_dropped_near_duplicates_mean": round(mean_dropped, 1) if dropped else 0,
        "dedup": dedup,
        "train_seconds": round(float(np.mean([t.train_seconds for t in trials])), 2),
        "calibration": _calibration(trials),
    }
    if trials and trials[0].baseline_pred is not None:
        base = [p for trial in trials for p in trial.baseline_pred or []]
        result = _with_baseline(result, truth, base)
        result["baseline_fold_accuracy"] = [
            _accuracy(t.truth, t.baseline_pred or []) for t in trials
        ]
    return result
