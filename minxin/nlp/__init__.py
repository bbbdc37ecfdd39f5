"""Intelligent classification of citizens' requests (智能分类).

The rest of the platform calls:

    from minxin.nlp import predict_category
    predict_category("小区门口道路积水严重……", k=3)
    # -> [Suggestion(category="城乡建设", confidence=0.87), ...]  ([] when no model is active)

Modules: `dataset` (labelled rows, near-duplicates, splits), `preprocess`, `features` and
`pipeline` (the model), `fitting` (training one), `evaluation`, `storage` and `registry`
(model versions), `prediction` (the active model, once per process), `training` (the two
flows that store new versions). docs/nlp.md gives the method and its figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minxin.nlp.prediction import Suggestion

# The imports below are inside the functions: this package is a Django app, and its models
# cannot be imported before the app registry is ready.


def predict_category(text: str, k: int = 3, **options: str) -> list[Suggestion]:
    """The `k` likeliest categories of `text` with confidences, best first ([] if no model).
    `name=` picks a model other than the category one."""
    from minxin.nlp.prediction import predict_category as _predict

    return _predict(text, k=k, **options)


def predict_categories(texts: Sequence[str], k: int = 3, **options: str) -> list[list[Suggestion]]:
    """`predict_category` for many texts at once."""
    from minxin.nlp.prediction import predict_categories as _predict

    return _predict(texts, k=k, **options)


def keywords(text: str, k: int = 5) -> list[str]:
    """A request's `k` most characteristic words (jieba TF-IDF with the project stopwords)."""
    from minxin.nlp.preprocess import keywords as _keywords

    return _keywords(text, k)
