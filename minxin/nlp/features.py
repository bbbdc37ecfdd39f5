"""Fast n-gram counting for normalised text (scikit-learn transformers).

`NgramCounts` does what ``CountVectorizer(analyzer="char" | "word", ngram_range=...,
min_df=...)`` does on our normalised, single-space-separated text, but represents each
n-gram as one 63-bit integer instead of a Python string: characters are their code
points and words get integer ids (both below 2**21), and an n-gram of ids
``a, b, c`` is ``a << 42 | b << 21 | c``. Counting is then ``numpy.unique`` and the
vocabulary lookup is ``numpy.searchsorted`` on a sorted array, which is several times
faster than hashing hundreds of short strings into a dictionary of half a million
entries for every request. `tests/test_pipeline.py` checks the counts equal
scikit-learn's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = ["NgramCounts"]

_BITS = 21
_LIMIT = 1 << _BITS
_EMPTY = np.zeros(0, dtype=np.int64)


def _codes(ids: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """All n-gram codes (lo <= n <= hi) of an id sequence; ids of 0 (unknown) break n-grams."""
    parts = []
    length = len(ids)
    for n in range(lo, hi + 1):
        if length < n:
            break
        if n == 1:
            code = ids
            ok = ids > 0
        else:
            code = ids[: length - n + 1].copy()
            ok = code > 0
            for k in range(1, n):
                nxt = ids[k : length - n + 1 + k]
                code = (code << _BITS) | nxt
                ok &= nxt > 0
        parts.append(code[ok])
    if not parts:
        return _EMPTY
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


class NgramCounts(TransformerMixin, BaseEstimator):
    """Count matrix of character or word n-grams, vocabulary limited by `min_df`.

    kind="char": n-grams of characters (spaces included, as sklearn's ``analyzer="char"``).
    kind="word": n-grams of the space-separated tokens (as ``token_pattern=r"\\S+"``).
    """

    def __init__(
        self, kind: str = "char", ngram_range: Sequence[int] = (1, 3), min_df: int = 1
    ) -> None:
        self.kind = kind
        self.ngram_range = ngram_range
        self.min_df = min_df

    # -- ids ----------------------------------------------------------------------
    def _ids(self, doc: str) -> np.ndarray:
        if self.kind == "char":
            if not doc:
                return _EMPTY
            ids = np.frombuffer(doc.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            return np.where(ids < _LIMIT, ids, 0)
        tokens = doc.split()
        return np.fromiter(map(self.token_ids_.get, tokens, repeat(0)), np.int64, len(tokens))

    def doc_counts(self, doc: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and counts of one document's known n-grams."""
        lo, hi = self.ngram_range
        codes = _codes(self._ids(doc), lo, hi)
        if not len(codes):
            return _EMPTY, _EMPTY
        uniq, counts = np.unique(codes, return_counts=True)
        vocab = self.vocabulary_codes_
        pos = np.searchsorted(vocab, uniq)
        pos[pos >= len(vocab)] = 0
        hit = vocab[pos] == uniq if len(vocab) else np.zeros(len(uniq), dtype=bool)
        return pos[hit], counts[hit]

    # -- sklearn API ----------------------------------------------------------------
    def fit(self, X: Iterable[str], y: Any = None) -> NgramCounts:
        if self.kind not in ("char", "word"):
            raise ValueError(f"kind must be 'char' or 'word', not {self.kind!r}")
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError("ngram_range must satisfy 1 <= lo <= hi <= 3")
        docs = list(X)
        if self.kind == "word":
            token_ids: dict[str, int] = {}
            for doc in docs:
                for token in doc.split():
                    if token not in token_ids:
                        token_ids[token] = len(token_ids) + 1
            if len(token_ids) >= _LIMIT:
                raise ValueError("too many distinct tokens for the n-gram encoding")
            self.token_ids_ = token_ids
        per_doc = [np.unique(_codes(self._ids(doc), lo, hi)) for doc in docs]
        if per_doc:
            all_codes = np.concatenate(per_doc) if len(per_doc) > 1 else per_doc[0]
        else:
            all_codes = _EMPTY
        codes, df = np.unique(all_codes, return_counts=True)
        self.vocabulary_codes_ = codes[df >= self.min_df]
        if self.kind == "word":
            # Keep only the ids that occur in some kept n-gram: smaller model, same output.
            used = np.zeros(len(self.token_ids_) + 1, dtype=bool)
            for k in range(hi):
                used[(self.vocabulary_codes_ >> (_BITS * k)) & (_LIMIT - 1)] = True
            self.token_ids_ = {t: i for t, i in self.token_ids_.items() if used[i]}
        self.n_features_out_ = len(self.vocabulary_codes_)
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        indptr = [0]
        indices = []
        data = []
        for doc in X:
            cols, counts = self.doc_counts(doc)
            indices.append(cols)
            data.append(counts)
            indptr.append(indptr[-1] + len(cols))
        n_docs = len(indptr) - 1
        matrix = sp.csr_matrix(
            (
                np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
                np.concatenate(indices) if indices else _EMPTY,
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(n_docs, self.n_features_out_),
        )
        matrix.sort_indices()
        return matrix

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The n-grams as strings (slow; for explanation and debugging)."""
        if self.kind == "word":
            names = {i: t for t, i in self.token_ids_.items()}
            sep = " "
        else:
            names = None
            sep = ""
        out = []
        for code in self.vocabulary_codes_.tolist():
            parts = []
            while code:
                part = code & (_LIMIT - 1)
                parts.append(names.get(part, "?") if names is not None else chr(part))
                code >>= _BITS
            out.append(sep.join(reversed(parts)))
        return np.asarray(out, dtype=object)
