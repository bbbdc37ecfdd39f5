"""Intelligent classification of citizens' requests (智能分类).

The rest of the platform calls:

    from minxin.nlp import predict_category
    predict_category("小区门口道路积水严重……", k=3)
    # -> [Suggestion(category="城乡建设", confidence=0.87), ...]  ([] when no model is active)

See `minxin.nlp.services` for model versions (train_from_rows, activation, rollback),
`minxin.nlp.pipeline` for the classifier and docs/nlp.md for the method and its figures.
"""

from __future__ import annotations


def predict_category(text: str, k: int = 3, **kwargs):
    """The `k` likeliest categories of `text` with confidences, best first ([] if no model)."""
    from .services import predict_category as _predict

    return _predict(text, k=k, **kwargs)


def predict_categories(texts, k: int = 3, **kwargs):
    from .services import predict_categories as _predict

    return _predict(texts, k=k, **kwargs)


def keywords(text: str, k: int = 5) -> list[str]:
    """A request's `k` most characteristic words (jieba TF-IDF with the project stopwords)."""
    from .preprocess import keywords as _keywords

    return _keywords(text, k)
