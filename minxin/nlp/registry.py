"""Model versions: store a trained model as the next version, activate one, roll back.

    model_version_create(model=..., activate=False) -> ModelVersion
    model_version_activate(version=...)             -> ModelVersion
    model_version_rollback(name=...)                -> ModelVersion (the one active before)

At most one version of a name is active (a database constraint); the process that switches
versions updates its own cache at once (`minxin.nlp.prediction.active_models`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from minxin.nlp.models import DEFAULT_NAME, ModelVersion
from minxin.nlp.pipeline import Model
from minxin.nlp.prediction import active_models
from minxin.nlp.storage import ModelVersionError, load_model, model_fields

logger = logging.getLogger(__name__)

__all__ = ["model_version_activate", "model_version_create", "model_version_rollback"]


def model_version_create(
    *,
    model: Model,
    metrics: dict[str, Any] | None = None,
    name: str = DEFAULT_NAME,
    notes: str = "",
    created_by: str = "",
    activate: bool = False,
) -> ModelVersion:
    """Store a trained model as the next version of `name` (not active unless asked)."""
    data = model.to_bytes()
    with transaction.atomic():
        last = (
            ModelVersion.objects.select_for_update()
            .filter(name=name)
            .aggregate(v=Max("version"))["v"]
        )
        number = (last or 0) + 1
        version = ModelVersion.objects.create(
            name=name,
            version=number,
            created_by=created_by,
            notes=notes,
            metrics=_jsonable(metrics or {}),
            config=model.config.as_dict(),
            labels=model.classes,
            n_train=model.n_train,
            train_seconds=model.train_seconds,
            **model_fields(data, name=name, number=number),
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
        current = (
            ModelVersion.objects.select_for_update()
            .filter(name=target.name, is_active=True)
            .first()
        )
        if current is not None and current.pk == target.pk:
            return target
        if current is not None:
            current.is_active = False
            current.save(update_fields=["is_active"])
        target.is_active = True
        target.activated_at = timezone.now()
        target.previous = current
        target.save(update_fields=["is_active", "activated_at", "previous"])
    active_models.remember(target.name, target.pk, loaded)
    logger.info("nlp: activated %s", target)
    return target


def model_version_rollback(*, name: str = DEFAULT_NAME) -> ModelVersion:
    """Re-activate the version that was active before the current one of `name`."""
    with transaction.atomic():
        current = ModelVersion.objects.select_for_update().filter(name=name, is_active=True).first()
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
    active_models.forget(name)
    logger.info("nlp: rolled back %s to %s", current, target)
    return target


def _jsonable(value: Any) -> Any:
    """`value` with numpy numbers turned into Python ones, for a JSON field."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
