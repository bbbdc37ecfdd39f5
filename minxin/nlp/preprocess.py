"""Text preprocessing shared by training, prediction and keyword extraction.

The training data comes in two shapes: raw messages as citizens typed them
("A3区杜鹃文苑小区外的非法汽车检测站要开业了！") and a pre-segmented file where
jieba already split title + body into words separated by spaces and removed
stopwords and most Latin letters ("A3 区 杜鹃 文苑 小区 外 非法 汽车 检测站 开业").
A model trained on one and applied to the other loses accuracy unless both are
brought to the same form first. `normalize()` does that:

1. Unicode NFKC (full-width digits/letters/punctuation become ASCII), drop the
   spreadsheet artefact ``_x000D_``, lowercase.
2. Masked place names (A市, A3区, K1区, G4县 ...) lose their code letter and
   digits: the letters are anonymisation noise and the segmented file dropped
   most of them anyway. Every other Latin word goes too (the segmented file has
   none, so keeping them in raw text would only create features unseen in
   training).
3. Numbers become one placeholder digit ``0`` (a date, an amount or a house
   number says little about the category; the fact that there is one says more).
4. Everything that is not a Chinese character or the digit placeholder is
   removed, spaces included. Segmented text thus becomes raw-like again and
   both are re-segmented identically by jieba.
5. jieba segmentation (dictionary only, no HMM: faster and more stable across
   the two input shapes), then the package stopword list
   (``minxin/nlp/data/stopwords.txt``) is applied.

The result is a space-separated token string. The word and character n-gram
features of the classifier are both computed from it.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["clean", "tokenize", "normalize", "normalize_many", "keywords", "stopwords"]

_X000D = re.compile(r"_x000d_", re.IGNORECASE)
# A place code: Latin letters optionally followed by digits (A, A3, K12, ...).
_LATIN = re.compile(r"[a-z]+[0-9]*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Keep CJK unified ideographs (basic + extension A) and the digit placeholder.
_NOT_KEPT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")

_jieba_lock = threading.Lock()
_jieba = None


def _get_jieba():
    """Import and initialise jieba once per process, with its logger quiet."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The package stopword list (one word a line, ``#`` comments)."""
    text = resources.files("minxin.nlp.data").joinpath("stopwords.txt").read_text("utf-8")
    words = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def clean(text: str | None) -> str:
    """Steps 1-4: a continuous string of Chinese characters and ``0`` placeholders."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _X000D.sub("", text).lower()
    text = _LATIN.sub("", text)
    text = _NUMBER.sub("", text)
    return _NOT_KEPT.sub("", text)


def tokenize(text: str | None) -> list[str]:
    """Clean, segment with jieba and drop stopwords."""
    cleaned = clean(text)
    if not cleaned:
        return []
    stop = stopwords()
    return [w for w in _get_jieba().lcut(cleaned, HMM=False) if w not in stop]


def normalize(text: str | None) -> str:
    """The canonical space-separated token string for raw or segmented text."""
    return " ".join(tokenize(text))


def normalize_many(texts) -> list[str]:
    return [normalize(t) for t in texts]


_keyword_lock = threading.Lock()
_tfidf = None


def _get_tfidf():
    global _tfidf
    if _tfidf is None:
        with _keyword_lock:
            if _tfidf is None:
                jieba = _get_jieba()
                from jieba.analyse.tfidf import TFIDF

                extractor = TFIDF()
                extractor.tokenizer = jieba.dt
                extractor.stop_words = set(extractor.stop_words) | set(stopwords())
                _tfidf = extractor
    return _tfidf


def keywords(text: str | None, k: int = 5) -> list[str]:
    """The request's `k` most characteristic words (jieba TF-IDF with our stopwords).

    Place codes, numbers and punctuation are removed first, as in `normalize`,
    and single characters are never returned.
    """
    if not text or k <= 0:
        return []
    cleaned = clean(text)
    if not cleaned:
        return []
    extractor = _get_tfidf()
    words = extractor.extract_tags(cleaned, topK=k * 2)
    return [w for w in words if len(w) > 1][:k]
