"""Training a `Model`: the final pipeline fit on all rows, its confidences calibrated on a
held-out fifth first."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.model_selection import train_test_split

from minxin.nlp.pipeline import Model, ModelConfig, build_pipeline, softmax
from minxin.nlp.preprocess import normalize

__all__ = ["fit_temperature", "train", "train_normalized"]


def fit_temperature(scores: np.ndarray, y_idx: np.ndarray) -> float:
    """The softmax temperature that minimises the log loss of `scores` (1-D search)."""
    rows = np.arange(len(y_idx))

    def nll(log_t: float) -> float:
        p = softmax(scores, float(np.exp(log_t)))
        return float(-np.log(np.clip(p[rows, y_idx], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(res.x))


def _calibrated_temperature(
    normalized: list[str], labels: np.ndarray, counts: dict[str, int], config: ModelConfig
) -> float:
    """Fit a probe on four fifths (stratified), fit the temperature on the rest; 1.0 when
    there are too few rows for that."""
    n_cal = int(len(labels) * config.calibration_fraction)
    if config.calibration_fraction <= 0 or n_cal < 50 or min(counts.values()) < 5:
        return 1.0
    fit_idx, cal_idx = train_test_split(
        np.arange(len(labels)),
        test_size=config.calibration_fraction,
        stratify=labels,
        random_state=config.random_state,
    )
    probe = build_pipeline(config)
    probe.fit([normalized[i] for i in fit_idx], labels[fit_idx])
    scores = probe.decision_function([normalized[i] for i in cal_idx])
    index = {c: i for i, c in enumerate(probe.named_steps["clf"].classes_)}
    return fit_temperature(scores, np.array([index[labels[i]] for i in cal_idx]))


def train_normalized(
    normalized: Sequence[str], labels: Sequence[str], config: ModelConfig | None = None
) -> Model:
    """Train on texts that already went through `normalize` (saves time in evaluation).

    The caller must have normalised with the same ``config.max_chars``.
    """
    config = config or ModelConfig()
    started = time.perf_counter()
    normalized = list(normalized)
    label_array = np.asarray([str(label) for label in labels], dtype=object)
    if len(normalized) != len(label_array):
        raise ValueError("texts and labels differ in length")
    classes = np.unique(label_array)
    if len(classes) < 2:
        raise ValueError("need at least two categories to train")
    counts = {str(c): int((label_array == c).sum()) for c in classes}
    temperature = _calibrated_temperature(normalized, label_array, counts, config)
    pipeline = build_pipeline(config)
    pipeline.fit(normalized, label_array)
    return Model(
        pipeline=pipeline,
        config=config,
        temperature=temperature,
        n_train=len(label_array),
        train_seconds=round(time.perf_counter() - started, 2),
        info={"class_counts": counts},
    )


def train(texts: Sequence[str], labels: Sequence[str], config: ModelConfig | None = None) -> Model:
    """Train a `Model` on raw or segmented texts (title + body) and their categories."""
    started = time.perf_counter()
    config = config or ModelConfig()
    model = train_normalized([normalize(t, config.max_chars) for t in texts], labels, config)
    model.train_seconds = round(time.perf_counter() - started, 2)
    return model
