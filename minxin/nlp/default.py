"""The default classifier shipped inside the package: a city with no training data of its
own gets category suggestions from its first request.

    default_model(name)                  -> Model | None (the category model, when switched on)
    build_default(data_dir, out)         -> provenance (also written beside `out` as JSON)

`default_model_dir()/category.npz` is trained on the public labelled messages by
``minxin nlp-build-default --data DIR`` (docs/nlp.md, "The shipped model"). It is an .npz of
arrays and JSON (`minxin.nlp.arrays`): loading it runs no pickled code. It is used only while
no stored version of the category model is active; ``NLP_DEFAULT_MODEL=False`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings

from minxin.core.process_cache import ProcessCache
from minxin.nlp.arrays import model_from_npz
from minxin.nlp.dataset import read_labelled_csv, split_rows
from minxin.nlp.evaluation import evaluate_holdout
from minxin.nlp.fitting import train
from minxin.nlp.models import DEFAULT_NAME
from minxin.nlp.pipeline import Model, ModelConfig

logger = logging.getLogger(__name__)

__all__ = ["DATA_FILES", "build_default", "default_model", "default_model_dir"]

# The public labelled messages (../shared/data/README.md), in training order.
DATA_FILES = ("complaints-train-segmented.csv", "complaints-sample-raw.csv")
HOLDOUT = 0.3  # share of the raw messages kept back to measure the build


def default_model_dir() -> Path:
    return Path(__file__).with_name("default_model")


def _provenance_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def default_model(name: str = DEFAULT_NAME) -> Model | None:
    """The shipped model of `name` (only the category model ships), loaded once per process;
    None when switched off, absent, or not matching its recorded SHA-256."""
    if name != DEFAULT_NAME or not settings.NLP_DEFAULT_MODEL:
        return None
    return _shipped.get(default_model_dir() / f"{name}.npz")


def _load(path: Path) -> Model | None:
    try:
        data = path.read_bytes()
        expected = json.loads(_provenance_path(path).read_text("utf-8"))["sha256"]
        if hashlib.sha256(data).hexdigest() != expected:
            raise ValueError("the file does not match the SHA-256 of its provenance")
        return model_from_npz(data)  # never the legacy joblib path
    except FileNotFoundError:
        return None
    except Exception:
        logger.exception("nlp: the shipped default model %s cannot be loaded", path)
        return None


_shipped: ProcessCache[Path, Model | None] = ProcessCache(
    "nlp shipped model", lambda path, previous: _load(path), ttl=math.inf
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def build_default(data_dir: Path, out: Path, *, seed: int = 0) -> dict[str, Any]:
    """Measure on a kept-back 30 % of the raw messages (minus near-duplicates in training),
    then train on every row and write the model and its provenance."""
    files = [data_dir / name for name in DATA_FILES]
    per_file = {f.name: read_labelled_csv(f) for f in files}
    rows = [row for f in files for row in per_file[f.name]]
    config = ModelConfig()
    raw = [i for i, r in enumerate(rows) if not r.segmented]
    fit_rows, test_rows = split_rows(rows, math.ceil(HOLDOUT * len(raw)), seed, pool=raw)
    measured = evaluate_holdout(fit_rows, test_rows, speed=False, config=config)
    measured.pop("model")
    model = train([r.text for r in rows], [r.label for r in rows], config)
    data = model.to_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    provenance = {
        "model": out.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "data": [
            {"file": f.name, "sha256": _sha256(f), "rows": len(per_file[f.name])} for f in files
        ],
        "n_train": model.n_train,
        "class_counts": model.info.get("class_counts", {}),
        "labels": model.classes,
        "config": config.as_dict(),
        "temperature": round(model.temperature, 6),
        "holdout": {
            "share_of_raw": HOLDOUT,
            "seed": seed,
            **{
                k: measured[k]
                for k in (
                    "accuracy",
                    "macro_f1",
                    "top3_accuracy",
                    "n_test",
                    "n_train",
                    "n_train_dropped_near_duplicates",
                    "baseline_accuracy",
                    "baseline_macro_f1",
                    "calibration",
                )
            },
        },
        "versions": {p: _version(p) for p in ("minxin", "numpy", "scikit-learn", "jieba")},
        "command": f"minxin nlp-build-default --data DIR --seed {seed}",
    }
    _provenance_path(out).write_text(
        json.dumps(provenance, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    _shipped.forget(out)
    return provenance
