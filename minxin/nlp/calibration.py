"""Do the confidences mean what they say? A reliability table and the expected calibration
error (ECE) of top-1 confidences on held-out rows.

    reliability([0.93, 0.41, ...], [True, False, ...], bins=10)
    -> {"ece": 0.031, "mean_confidence": 0.87, "accuracy": 0.88, "bins": [
           {"from": 0.9, "to": 1.0, "n": 301, "confidence": 0.97, "accuracy": 0.96}, ...]}

Bins are of equal width; ECE is the mean |confidence - accuracy| over the bins, weighted by
their share of the rows (Guo et al. 2017). docs/nlp.md gives the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["reliability"]


def reliability(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> dict[str, Any]:
    conf = np.asarray(confidence, dtype=np.float64)
    hit = np.asarray(correct, dtype=np.float64)
    if len(conf) != len(hit):
        raise ValueError("confidences and outcomes differ in length")
    if not len(conf):
        return {"ece": None, "mean_confidence": None, "accuracy": None, "bins": []}
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, bins - 1)
    rows = []
    ece = 0.0
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        if not n:
            continue
        mean_conf, acc = float(conf[inside].mean()), float(hit[inside].mean())
        ece += n / len(conf) * abs(mean_conf - acc)
        rows.append(
            {
                "from": round(float(edges[b]), 2),
                "to": round(float(edges[b + 1]), 2),
                "n": n,
                "confidence": round(mean_conf, 4),
                "accuracy": round(acc, 4),
            }
        )
    return {
        "ece": round(ece, 4),
        "mean_confidence": round(float(conf.mean()), 4),
        "accuracy": round(float(hit.mean()), 4),
        "bins": rows,
    }
