"""Model versions and prediction for the rest of the platform.

    predict_category(text, k=3)          -> [Suggestion(category, confidence), ...] or []
    train_from_rows(rows, activate=...)  -> ModelVersion (metrics from a held-out split)
    model_version_activate(version=...)  -> ModelVersion
    model_version_rollback(name=...)     -> ModelVersion (the one active before)
    get_active_model(name)               -> pipeline.Model | None (loaded once per version)

A process keeps the active model in memory, keyed by the active version's id. It looks
the id up at most every ``settings.NLP_ACTIVE_CHECK_SECONDS`` (default 5; 0 = on every
call), so a version activated by another process is picked up within that delay, and
immediately in the process that activated it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import ModelVersion
from .pipeline import Model, ModelConfig, train

logger = logging.getLogger(__name__)

DEFAULT_NAME = "category"

__all__ = [
    "DEFAULT_NAME",
    "ModelVersionError",
    "Suggestion",
    "get_active_model",
    "load_model",
    "model_version_activate",
    "model_version_create",
    "model_version_rollback",
    "predict_categories",
    "predict_category",
    "rows_from_records",
    "train_from_rows",
    "train_if_better",
]


class ModelVersionError(Exception):
    """An activation or rollback that cannot be done."""


class Suggestion(NamedTuple):
    """One category guess; a tuple, so ``label, confidence = suggestion`` works."""

    category: str
    confidence: float


# -- storage ---------------------------------------------------------------------------
def _storage() -> str:
    return getattr(settings, "NLP_MODEL_STORAGE", "db")


def _data_dir() -> Path:
    return Path(getattr(settings, "DATA_DIR", Path.cwd() / "var"))


def load_model(version: ModelVersion) -> Model:
    """Deserialise a stored version, checking its SHA-256 first."""
    if version.path:
        data = (_data_dir() / version.path).read_bytes()
    else:
        data = bytes(version.blob or b"")
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ModelVersionError(f"{version}: stored data does not match its SHA-256")
    return Model.from_bytes(data)


def model_version_create(
    *,
    model: Model,
    metrics: dict | None = None,
    name: str = DEFAULT_NAME,
    notes: str = "",
    created_by: str = "",
    activate: bool = False,
) -> ModelVersion:
    """Store a trained model as the next version of `name` (not active unless asked)."""
    data = model.to_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        last = (ModelVersion.objects.select_for_update().filter(name=name)
                .aggregate(v=Max("version"))["v"])
        number = (last or 0) + 1
        fields: dict[str, Any] = {}
        if _storage() == "file":
            rel = Path("nlp-models") / f"{name}-v{number}-{digest[:12]}.joblib"
            target = _data_dir() / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
            fields["path"] = str(rel)
        else:
            fields["blob"] = data
        version = ModelVersion.objects.create(
            name=name,
            version=number,
            created_by=created_by,
            metrics=_jsonable(metrics or {}),
            config=model.config.as_dict(),
            labels=model.classes,
            n_train=model.n_train,
            train_seconds=model.train_seconds,
            sha256=digest,
            size=len(data),
            notes=notes,
            **fields,
        )
    if activate:
        version = model_version_activate(version=version)
    return version


def model_version_activate(*, version: ModelVersion | int) -> ModelVersion:
    """Make `version` the active one of its name; the one it replaces is remembered.

    The model is loaded once first: a version that cannot be read is never activated.
    """
    pk = version.pk if isinstance(version, ModelVersion) else int(version)
    candidate = ModelVersion.objects.get(pk=pk)
    try:
        loaded = load_model(candidate)
    except Exception as exc:
        raise ModelVersionError(f"{candidate} cannot be loaded: {exc}") from exc
    with transaction.atomic():
        target = ModelVersion.objects.select_for_update().get(pk=pk)
        current = (ModelVersion.objects.select_for_update()
                   .filter(name=target.name, is_active=True).first())
        if current is not None and current.pk == target.pk:
            return target
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
        target.is_active = True
        target.activated_at = timezone.now()
        target.previous = current
        target.save(update_fields=["is_active", "activated_at", "previous"])
    _remember(target.name, target.pk, loaded)
    logger.info("nlp: activated %s", target)
    return target


def model_version_rollback(*, name: str = DEFAULT_NAME) -> ModelVersion:
    """Re-activate the version that was active before the current one of `name`."""
    with transaction.atomic():
        current = (ModelVersion.objects.select_for_update()
                   .filter(name=name, is_active=True).first())
        if current is None:
            raise ModelVersionError(f"no active {name} model to roll back")
        if current.previous_id is None:
            raise ModelVersionError(f"{current} has no earlier version to roll back to")
        target = ModelVersion.objects.select_for_update().get(pk=current.previous_id)
        current.is_active = False
        current.save(update_fields=["is_active"])
        target.is_active = True
        target.activated_at = timezone.now()
        target.save(update_fields=["is_active", "activated_at"])
    _forget(name)
    logger.info("nlp: rolled back %s to %s", current, target)
    return target


# -- the active model, once per process ------------------------------------------------
_lock = threading.Lock()
# name -> (version id or None, Model or None, monotonic time of the last id check)
_cache: dict[str, tuple[int | None, Model | None, float]] = {}


def _remember(name: str, pk: int | None, model: Model | None) -> None:
    with _lock:
        _cache[name] = (pk, model, time.monotonic())


def _forget(name: str | None = None) -> None:
    with _lock:
        if name is None:
            _cache.clear()
        else:
            _cache.pop(name, None)


def get_active_model(name: str = DEFAULT_NAME) -> Model | None:
    """The active model of `name`, loaded once per process and version; None if there is none."""
    ttl = float(getattr(settings, "NLP_ACTIVE_CHECK_SECONDS", 5))
    cached = _cache.get(name)
    now = time.monotonic()
    if cached is not None and ttl > 0 and now - cached[2] < ttl:
        return cached[1]
    pk = (ModelVersion.objects.filter(name=name, is_active=True)
          .values_list("pk", flat=True).first())
    if cached is not None and cached[0] == pk:
        _remember(name, pk, cached[1])
        return cached[1]
    if pk is None:
        _remember(name, None, None)
        return None
    with _lock:
        cached = _cache.get(name)
        if cached is not None and cached[0] == pk and cached[1] is not None:
            return cached[1]
        try:
            model = load_model(ModelVersion.objects.get(pk=pk))
        except Exception:
            # A broken version must not take intake down: no suggestions until it is fixed.
            logger.exception("nlp: active model %s of %r cannot be loaded", pk, name)
            model = None
        _cache[name] = (pk, model, time.monotonic())
    return model


def predict_categories(
    texts: Sequence[str], k: int = 3, *, name: str = DEFAULT_NAME
) -> list[list[Suggestion]]:
    """`predict_category` for many texts at once (faster per text)."""
    model = get_active_model(name)
    if model is None:
        return [[] for _ in texts]
    return [[Suggestion(label, conf) for label, conf in top]
            for top in model.predict_top_k(list(texts), k=k)]


def predict_category(text: str, k: int = 3, *, name: str = DEFAULT_NAME) -> list[Suggestion]:
    """The `k` likeliest categories of a request's text (title + body), best first.

    Returns [] when no model is active (or the active one cannot be loaded) and when the
    text has nothing to classify; callers fall back to their own rules then.
    """
    if not text or not str(text).strip():
        return []
    return predict_categories([str(text)], k=k, name=name)[0]


# -- training ----------------------------------------------------------------------------
def rows_from_records(records: Iterable[Any]):
    """Accept LabelledRow, (text, label) pairs or dicts with text/title and category/label."""
    from .evaluation import LabelledRow, looks_segmented

    out = []
    for record in records:
        if isinstance(record, LabelledRow):
            out.append(record)
            continue
        if isinstance(record, dict):
            title = str(record.get("title") or "").strip()
            body = str(record.get("text") or record.get("content") or "")
            label = record.get("category", record.get("label"))
            text = f"{title}\n{body}" if title else body
        else:
            text, label = record[0], record[1]
        if label is None or not str(label).strip() or not str(text).strip():
            continue
        out.append(LabelledRow(str(text), str(label).strip(), "rows",
                               looks_segmented([str(text)])))
    return out


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
    """Train on labelled rows, measure on a held-out part, store a new version.

    `rows`: `LabelledRow`s, ``(text, label)`` pairs or dicts (``title``, ``text``,
    ``category``/``label``) -- e.g. the base training data plus staff-corrected and
    closed cases. With ``holdout > 0`` a stratified share of the rows (of the raw rows
    when there are enough) is kept back, the rest minus near-duplicates of it trains a
    measuring model, and the metrics are stored; the stored model itself is trained on
    all rows. It is activated when `activate` is true or no version of `name` is active.
    """
    from .evaluation import classification_metrics, near_duplicates
    from .preprocess import normalize

    config = config or ModelConfig()
    rows = rows_from_records(rows)
    if len({r.label for r in rows}) < 2:
        raise ValueError("need labelled rows of at least two categories")
    metrics: dict[str, Any] = {}
    if holdout and holdout > 0:
        metrics = _holdout_metrics(rows, holdout, seed, config, near_duplicates,
                                   classification_metrics, normalize)
    model = train([r.text for r in rows], [r.label for r in rows], config)
    metrics["train_seconds"] = model.train_seconds
    has_active = ModelVersion.objects.filter(name=name, is_active=True).exists()
    return model_version_create(
        model=model, metrics=metrics, name=name, notes=notes, created_by=created_by,
        activate=activate or not has_active,
    )


def _holdout_metrics(rows, fraction, seed, config, near_duplicates, metrics_fn, normalize):
    from collections import Counter

    from sklearn.model_selection import train_test_split

    raw = [i for i, r in enumerate(rows) if not r.segmented]
    pool = raw if len(raw) >= 50 else list(range(len(rows)))
    labels = [rows[i].label for i in pool]
    counts = Counter(labels)
    n_test = round(len(pool) * fraction)
    if n_test < len(counts) or min(counts.values()) < 2:
        return {"holdout": "skipped: too few rows"}
    _, test_pos = train_test_split(np.arange(len(pool)), test_size=n_test, stratify=labels,
                                   random_state=seed)
    test_idx = {pool[p] for p in test_pos}
    test_rows = [rows[i] for i in sorted(test_idx)]
    train_rows = [r for i, r in enumerate(rows) if i not in test_idx]
    dupes = near_duplicates([normalize(r.text, config.max_chars) for r in train_rows],
                            [normalize(r.text, config.max_chars) for r in test_rows])
    train_rows = [r for i, r in enumerate(train_rows) if i not in dupes]
    probe = train([r.text for r in train_rows], [r.label for r in train_rows], config)
    pred = probe.predict([r.text for r in test_rows])
    result = metrics_fn([r.label for r in test_rows], pred)
    result.update({
        "holdout": "raw rows" if pool is raw else "all rows",
        "holdout_fraction": fraction,
        "n_test": len(test_rows),
        "n_train_dropped_near_duplicates": len(dupes),
        "seed": seed,
    })
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


# -- learning from the city: train, compare with the active model, activate only if better --
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
    """Keep back a share of `rows` (the city's own cases); train a candidate on the rest plus
    `base_rows` (minus near-duplicates of the kept-back rows); score it and the active model
    on the same kept-back rows. Unless `dry_run`, store a version trained on everything and
    activate it only if its score beats the active model's (or none is active).
    Returns a JSON-able summary."""
    from .evaluation import classification_metrics, near_duplicates
    from .preprocess import normalize

    config = config or ModelConfig()
    own, base = rows_from_records(rows), rows_from_records(base_rows)
    if len({r.label for r in own}) < 2:
        raise ValueError("need the city's own rows in at least two categories")
    test, train_part = _split(own, holdout, seed)
    pool = train_part + base
    dupes = near_duplicates([normalize(r.text, config.max_chars) for r in pool],
                            [normalize(r.text, config.max_chars) for r in test])
    pool = [r for i, r in enumerate(pool) if i not in dupes]
    if len({r.label for r in pool}) < 2:
        raise ValueError("too few rows left to train on after keeping back the test share")
    truth = [r.label for r in test]
    candidate = train([r.text for r in pool], [r.label for r in pool], config)
    scored = classification_metrics(truth, candidate.predict([r.text for r in test]))
    active_version = ModelVersion.objects.filter(name=name, is_active=True).first()
    active = get_active_model(name)
    active_scored = (classification_metrics(truth, active.predict([r.text for r in test]))
                     if active is not None else None)
    better = active_scored is None or scored["accuracy"] > active_scored["accuracy"]
    summary: dict[str, Any] = {
        "n_own_rows": len(own), "n_base_rows": len(base), "n_test": len(test),
        "n_train_dropped_near_duplicates": len(dupes), "holdout": holdout, "seed": seed,
        "candidate_accuracy": round(scored["accuracy"], 4),
        "candidate_macro_f1": round(scored["macro_f1"], 4),
        "active_id": active_version.pk if active_version else None,
        "active_accuracy": round(active_scored["accuracy"], 4) if active_scored else None,
        "active_macro_f1": round(active_scored["macro_f1"], 4) if active_scored else None,
        "better": better, "dry_run": dry_run, "activated": False, "id": None,
    }
    if dry_run:
        return summary
    model = train([r.text for r in own + base], [r.label for r in own + base], config)
    metrics = {k: summary[k] for k in ("candidate_accuracy", "candidate_macro_f1", "n_test",
                                       "active_id", "active_accuracy")}
    metrics.update(accuracy=scored["accuracy"], macro_f1=scored["macro_f1"],
                   holdout="own requests", train_seconds=model.train_seconds)
    version = model_version_create(model=model, metrics=metrics, name=name, notes=notes,
                                   created_by=created_by, activate=better)
    summary.update(id=version.pk, version=version.version, activated=version.is_active,
                   labels=version.labels)
    return summary


def _split(rows: list, fraction: float, seed: int) -> tuple[list, list]:
    """A stratified kept-back share when every label has two rows, else a plain random one."""
    from collections import Counter

    from sklearn.model_selection import train_test_split

    if not 0 < fraction < 1:
        raise ValueError("the kept-back share must be between 0 and 1")
    labels = [r.label for r in rows]
    counts = Counter(labels)
    n_test = max(1, round(len(rows) * fraction))
    stratify = labels if min(counts.values()) >= 2 and n_test >= len(counts) else None
    train_idx, test_idx = train_test_split(np.arange(len(rows)), test_size=n_test,
                                           stratify=stratify, random_state=seed)
    return [rows[i] for i in sorted(test_idx)], [rows[i] for i in sorted(train_idx)]
