"""The two ways a new model version is trained and stored.

    train_from_rows(rows, activate=...)  -> ModelVersion (metrics from a kept-back share)
    train_if_better(rows, base_rows=...) -> summary; activates only a better model

`rows`: `LabelledRow`s, ``(text, label)`` pairs or dicts (``title``, ``text``,
``category``/``label``), e.g. the base training data plus the city's closed requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from minxin.nlp.dataset import (
    LabelledRow,
    can_stratify,
    drop_near_duplicates,
    rows_from_records,
    split_rows,
)
from minxin.nlp.evaluation import classification_metrics
from minxin.nlp.fitting import train
from minxin.nlp.models import DEFAULT_NAME, ModelVersion
from minxin.nlp.pipeline import Model, ModelConfig
from minxin.nlp.prediction import get_active_model
from minxin.nlp.registry import model_version_create

__all__ = ["train_from_rows", "train_if_better"]


def _fit(rows: list[LabelledRow], config: ModelConfig) -> Model:
    return train([r.text for r in rows], [r.label for r in rows], config)


def _score(model: Model, rows: list[LabelledRow]) -> dict[str, Any]:
    return classification_metrics([r.label for r in rows], model.predict([r.text for r in rows]))


def train_from_rows(
    rows: Iterable[Any],
    *,
    name: str = DEFAULT_NAME,
    activate: bool = False,
    holdout: float = 0.15,
    notes: str = "",
    created_by: str = "",
    config: ModelConfig | None = None,
    seed: int = 0,
) -> ModelVersion:
    """Train on labelled rows, measure on a kept-back share, store a new version.

    With ``holdout > 0`` a stratified share of the rows (of the raw rows when there are at
    least 50) is kept back, the rest minus near-duplicates of it trains a measuring model,
    and its metrics are stored; the stored model itself is trained on all rows. It is
    activated when `activate` is true or no version of `name` is active.
    """
    config = config or ModelConfig()
    labelled = rows_from_records(rows)
    if len({r.label for r in labelled}) < 2:
        raise ValueError("need labelled rows of at least two categories")
    metrics = _holdout_metrics(labelled, holdout, seed, config) if holdout > 0 else {}
    model = _fit(labelled, config)
    metrics["train_seconds"] = model.train_seconds
    has_active = ModelVersion.objects.filter(name=name, is_active=True).exists()
    return model_version_create(
        model=model,
        metrics=metrics,
        name=name,
        notes=notes,
        created_by=created_by,
        activate=activate or not has_active,
    )


def _holdout_metrics(
    rows: list[LabelledRow], fraction: float, seed: int, config: ModelConfig
) -> dict[str, Any]:
    raw = [i for i, r in enumerate(rows) if not r.segmented]
    pool = raw if len(raw) >= 50 else list(range(len(rows)))
    n_test = round(len(pool) * fraction)
    if not can_stratify([rows[i].label for i in pool], n_test):
        return {"holdout": "skipped: too few rows"}
    train_rows, test_rows = split_rows(rows, n_test, seed, pool=pool)
    train_rows, dropped = drop_near_duplicates(train_rows, test_rows, config.max_chars)
    result = _score(_fit(train_rows, config), test_rows)
    result.update(
        {
            "holdout": "raw rows" if pool is raw else "all rows",
            "holdout_fraction": fraction,
            "n_test": len(test_rows),
            "n_train_dropped_near_duplicates": dropped,
            "seed": seed,
        }
    )
    return result


def train_if_better(
    rows: Iterable[Any],
    *,
    base_rows: Iterable[Any] = (),
    name: str = DEFAULT_NAME,
    holdout: float = 0.2,
    seed: int = 0,
    dry_run: bool = False,
    notes: str = "",
    created_by: str = "",
    config: ModelConfig | None = None,
) -> dict[str, Any]:
    """Learn from the city: keep back a share of `rows` (its own cases); train a candidate on
    the rest plus `base_rows` (minus near-duplicates of the kept-back rows); score it and the
    active model on the same kept-back rows. Unless `dry_run`, store a version trained on
    everything and activate it only if its score beats the active model's (or none is
    active). Returns a JSON-able summary."""
    config = config or ModelConfig()
    own, base = rows_from_records(rows), rows_from_records(base_rows)
    if len({r.label for r in own}) < 2:
        raise ValueError("need the city's own rows in at least two categories")
    train_part, test = _split(own, holdout, seed)
    pool, dropped = drop_near_duplicates(train_part + base, test, config.max_chars)
    if len({r.label for r in pool}) < 2:
        raise ValueError("too few rows left to train on after keeping back the test share")
    scored = _score(_fit(pool, config), test)
    summary = _compare(scored, test, name)
    summary.update(
        {
            "n_own_rows": len(own),
            "n_base_rows": len(base),
            "n_test": len(test),
            "n_train_dropped_near_duplicates": dropped,
            "holdout": holdout,
            "seed": seed,
            "dry_run": dry_run,
            "activated": False,
            "id": None,
        }
    )
    if not dry_run:
        summary.update(
            _store(
                own + base,
                summary,
                scored,
                name=name,
                notes=notes,
                created_by=created_by,
                config=config,
            )
        )
    return summary


def _split(
    rows: list[LabelledRow], fraction: float, seed: int
) -> tuple[list[LabelledRow], list[LabelledRow]]:
    """(train, test): a stratified kept-back share when every label can be in both, else a
    plain random one."""
    if not 0 < fraction < 1:
        raise ValueError("the kept-back share must be between 0 and 1")
    n_test = max(1, round(len(rows) * fraction))
    stratify = can_stratify([r.label for r in rows], n_test)
    return split_rows(rows, n_test, seed, stratify=stratify)


def _compare(scored: dict[str, Any], test: list[LabelledRow], name: str) -> dict[str, Any]:
    """The candidate's scores beside the active model's on the same rows."""
    active_version = ModelVersion.objects.filter(name=name, is_active=True).first()
    active = get_active_model(name)
    active_scored = _score(active, test) if active is not None else None
    return {
        "candidate_accuracy": round(scored["accuracy"], 4),
        "candidate_macro_f1": round(scored["macro_f1"], 4),
        "active_id": active_version.pk if active_version else None,
        "active_accuracy": round(active_scored["accuracy"], 4) if active_scored else None,
        "active_macro_f1": round(active_scored["macro_f1"], 4) if active_scored else None,
        "better": active_scored is None or scored["accuracy"] > active_scored["accuracy"],
    }


def _store(
    rows: list[LabelledRow],
    summary: dict[str, Any],
    scored: dict[str, Any],
    *,
    name: str,
    notes: str,
    created_by: str,
    config: ModelConfig,
) -> dict[str, Any]:
    """Train on every row, store the version (active only if better); what it adds to the
    summary."""
    model = _fit(rows, config)
    metrics = {
        k: summary[k]
        for k in (
            "candidate_accuracy",
            "candidate_macro_f1",
            "n_test",
            "active_id",
            "active_accuracy",
        )
    }
    metrics.update(
        accuracy=scored["accuracy"],
        macro_f1=scored["macro_f1"],
        holdout="own requests",
        train_seconds=model.train_seconds,
    )
    version = model_version_create(
        model=model,
        metrics=metrics,
        name=name,
        notes=notes,
        created_by=created_by,
        activate=summary["better"],
    )
    return {
        "id": version.pk,
        "version": version.version,
        "activated": version.is_active,
        "labels": version.labels,
    }
