"""Small text tools shared by the case index, duplicate and group detection.

Two representations, each chosen for its job:
- character bigrams for the case index: no segmentation (jieba runs at ~270k characters a
  second, too slow to index 100,000 cases quickly) and robust to names jieba does not know
  (小区、街道 names are most of what makes two cases "the same");
- jieba TF-IDF keywords with weights for comparing two requests: the weights come from jieba's
  bundled IDF table, so a request can be compared without any corpus statistics at hand.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from typing import Any

from minxin.nlp.preprocess import clean, stopwords

# Anything that is not a CJK character, a Latin letter or a digit separates bigrams.
_SEPARATOR = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_X000D = re.compile(r"_x000d_", re.IGNORECASE)
# Full-width ASCII (Ａ２区, ！) and the ideographic space to their half-width forms: the part of
# NFKC that matters here, at a fraction of its cost.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

Vector = dict[str, float]
KEYWORD_CHARS = 1500


def separated(text: str | None) -> str:
    """Runs of letters, digits and CJK characters (half-width, lower case) joined by spaces."""
    text = _X000D.sub(" ", (text or "").translate(_HALF_WIDTH).lower())
    return _SEPARATOR.sub(" ", text).strip()


def bigrams(text: str | None) -> list[str]:
    """Character bigrams within each run of `separated` text."""
    grams: list[str] = []
    for run in separated(text).split(" "):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def cosine(a: Vector, b: Vector) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def dice(a: str, b: str) -> float:
    """Overlap of two short strings (addresses) by their character bigrams."""
    x, y = set(bigrams(a)), set(bigrams(b))
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


_lock = threading.Lock()
_extractor: Any = None


def _keyword_extractor() -> Any:
    """jieba's TF-IDF extractor with the project's stopwords, built once per process."""
    global _extractor
    if _extractor is None:
        with _lock:
            if _extractor is None:
                import jieba
                from jieba.analyse.tfidf import TFIDF

                jieba.setLogLevel(logging.WARNING)
                extractor = TFIDF()
                extractor.stop_words = set(extractor.stop_words) | set(stopwords())
                _extractor = extractor
    return _extractor


def weighted_keywords(text: str | None, k: int = 16) -> Vector:
    """The text's `k` most characteristic words of two characters or more, with TF-IDF weights.

    Place codes and numbers are dropped first (`nlp.preprocess.clean`): "A3区" is masking
    noise in the shared data and a house number says nothing about the matter. Only the first
    KEYWORD_CHARS characters are read: segmentation time grows with length, and what a request
    is about is said at its start."""
    cleaned = clean((text or "")[:KEYWORD_CHARS])
    if not cleaned:
        return {}
    pairs = _keyword_extractor().extract_tags(cleaned, topK=k * 2, withWeight=True)
    kept = [(w, round(float(s), 4)) for w, s in pairs if 1 < len(w) <= 30]
    return dict(kept[:k])
