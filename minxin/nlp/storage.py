"""Where a version's model lives: in the database row (default) or in a file under
``DATA_DIR/nlp-models`` (``NLP_MODEL_STORAGE=file``), checked against its SHA-256 on reading."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings

from minxin.nlp.models import ModelVersion
from minxin.nlp.pipeline import Model

__all__ = ["ModelVersionError", "load_model", "model_fields"]


class ModelVersionError(Exception):
    """A version that cannot be read, activated or rolled back."""


def load_model(version: ModelVersion) -> Model:
    """Deserialise a stored version, checking its SHA-256 first."""
    if version.path:
        data = (Path(settings.DATA_DIR) / version.path).read_bytes()
    else:
        data = bytes(version.blob or b"")
    if hashlib.sha256(data).hexdigest() != version.sha256:
        raise ModelVersionError(f"{version}: stored data does not match its SHA-256")
    return Model.from_bytes(data)


def model_fields(data: bytes, *, name: str, number: int) -> dict[str, Any]:
    """The `ModelVersion` fields that store `data`: the bytes themselves, or the path of a
    file written (atomically) for them."""
    digest = hashlib.sha256(data).hexdigest()
    fields: dict[str, Any] = {"sha256": digest, "size": len(data)}
    if settings.NLP_MODEL_STORAGE != "file":
        return {**fields, "blob": data}
    rel = Path("nlp-models") / f"{name}-v{number}-{digest[:12]}.npz"
    target = Path(settings.DATA_DIR) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return {**fields, "path": str(rel)}
