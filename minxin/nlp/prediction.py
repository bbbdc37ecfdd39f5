"""Predictions from the active model, which each process loads once per version.

    predict_category(text, k=3)   -> [Suggestion(category, confidence), ...] or []
    predict_categories(texts, k)  -> one such list per text
    get_active_model(name)        -> pipeline.Model | None

`active_models` is the process's one cache. It looks the active version's id up at most
every ``settings.NLP_ACTIVE_CHECK_SECONDS`` (0 = on every call), so a version activated by
another process is picked up within that delay, and at once in the process that activated
it (`minxin.nlp.registry` tells the cache).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

from django.conf import settings

from minxin.core.process_cache import ProcessCache
from minxin.nlp.default import default_model
from minxin.nlp.models import DEFAULT_NAME, ModelVersion
from minxin.nlp.pipeline import Model
from minxin.nlp.storage import load_model

logger = logging.getLogger(__name__)

__all__ = [
    "Suggestion",
    "active_models",
    "get_active_model",
    "predict_categories",
    "predict_category",
]


class Suggestion(NamedTuple):
    """One category guess; a tuple, so ``label, confidence = suggestion`` works."""

    category: str
    confidence: float


class _Active(NamedTuple):
    version_id: int | None
    model: Model | None


def _active(name: str, previous: _Active | None) -> _Active:
    """The active version of `name`: the held one while its id is unchanged, else loaded."""
    pk = ModelVersion.objects.filter(name=name, is_active=True).values_list("pk", flat=True).first()
    if pk is None:  # no stored version: the model shipped in the package, if switched on
        return _Active(None, default_model(name))
    if previous is not None and previous.version_id == pk:
        return previous
    try:
        return _Active(pk, load_model(ModelVersion.objects.get(pk=pk)))
    except Exception:
        # A broken version must not take intake down: no suggestions until it is fixed.
        logger.exception("nlp: active model %s of %r cannot be loaded", pk, name)
        return _Active(pk, None)


class ActiveModels:
    """The active model of each name, loaded once per process and version."""

    def __init__(self) -> None:
        self._cache: ProcessCache[str, _Active] = ProcessCache(
            "nlp active models", _active, ttl=lambda: settings.NLP_ACTIVE_CHECK_SECONDS
        )

    def version_id(self, name: str = DEFAULT_NAME) -> int | None:
        """The version this process holds for `name` (None if none)."""
        held = self._cache.peek(name)
        return held.version_id if held else None

    def remember(self, name: str, version_id: int | None, model: Model | None) -> None:
        self._cache.put(name, _Active(version_id, model))

    def forget(self, name: str | None = None) -> None:
        self._cache.forget(name)

    def get(self, name: str = DEFAULT_NAME) -> Model | None:
        return self._cache.get(name).model


active_models = ActiveModels()


def get_active_model(name: str = DEFAULT_NAME) -> Model | None:
    """The active model of `name`, loaded once per process and version; None if there is none."""
    return active_models.get(name)


def predict_categories(
    texts: Sequence[str], k: int = 3, *, name: str = DEFAULT_NAME
) -> list[list[Suggestion]]:
    """`predict_category` for many texts at once (faster per text)."""
    model = get_active_model(name)
    if model is None:
        return [[] for _ in texts]
    return [
        [Suggestion(label, conf) for label, conf in top]
        for top in model.predict_top_k(list(texts), k=k)
    ]


def predict_category(text: str, k: int = 3, *, name: str = DEFAULT_NAME) -> list[Suggestion]:
    """The `k` likeliest categories of a request's text (title + body), best first.

    Returns [] when no model is active (or the active one cannot be loaded) and when the
    text has nothing to classify; callers fall back to their own rules then.
    """
    if not text or not str(text).strip():
        return []
    return predict_categories([str(text)], k=k, name=name)[0]
