"""An in-memory TF-IDF index of case texts, searched by sparse cosine similarity.

Features are character bigrams (as `text.bigrams`), hashed: there is no vocabulary to fit or
store and any text maps to the same space. Each case is `body + TITLE_BOOST × title`: the title
is the case's own summary and what citizens' keywords most often repeat. After TF-IDF weighting
only each case's `KEEP_PER_CASE` heaviest features are kept: the tail is common bigrams that
rank nothing, and dropping it halves memory and query time (and slightly raises recall, see
docs/similar-and-risk.md). The matrix is kept column-major, so a query touches only the
postings of its own bigrams.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from minxin.similar.text import separated

_HASH_BITS = 21
N_FEATURES = 1 << _HASH_BITS
TITLE_BOOST = 3.0
KEEP_PER_CASE = 128
_CHUNK = 5000
_SPACE = ord(" ")
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # multiplicative hashing: spreads the 42-bit pair ids


def counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Hashed character-bigram counts, one row per text.

    Done with numpy over whole chunks of texts rather than text by text: about ten times
    faster than a Python analyzer, which is what lets the index be rebuilt in seconds."""
    chunks = [_chunk_counts(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    if not chunks:
        return sp.csr_matrix((0, N_FEATURES), dtype=np.float32)
    return sp.vstack(chunks, format="csr") if len(chunks) > 1 else chunks[0]


def _chunk_counts(texts: Sequence[str]) -> sp.csr_matrix:
    cleaned = [separated(t) for t in texts]
    # Texts joined by a space: a pair with a space in it crosses a word run or a text boundary.
    codes = np.frombuffer(" ".join(cleaned).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(cleaned)), [len(c) + 1 for c in cleaned])[: len(codes)]
    first, second = codes[:-1].astype(np.uint64), codes[1:].astype(np.uint64)
    valid = (first != _SPACE) & (second != _SPACE)
    pair = (first[valid] << np.uint64(21)) | second[valid]  # code points fit in 21 bits
    cols = (pair * _GOLDEN) >> np.uint64(64 - _HASH_BITS)
    data = np.ones(len(cols), dtype=np.float32)
    return sp.csr_matrix(
        (data, (rows[:-1][valid], cols.astype(np.int64))), shape=(len(cleaned), N_FEATURES)
    )


@dataclass
class CaseIndex:
    keys: np.ndarray  # one "<source>:<id>" string per row
    matrix: sp.csc_matrix  # cases × features, rows of unit length
    idf: np.ndarray
    version: str = ""

    def __len__(self) -> int:
        return len(self.keys)

    def search(self, query: str, k: int = 5) -> list[tuple[str, float]]:
        """The `k` cases most like `query`, best first, with their cosine similarity."""
        q = _weigh(counts([query]), self.idf)
        if not len(self) or not q.nnz:
            return []
        scores = self.matrix[:, q.indices] @ q.data
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(str(self.keys[i]), float(scores[i])) for i in top if scores[i] > 0]

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, then rename): another process may be reading."""
        path.parent.mkdir(parents=True, exist_ok=True)
        m = self.matrix
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as out:
            np.savez(
                out,
                data=m.data,
                indices=m.indices,
                indptr=m.indptr,
                shape=np.array(m.shape),
                idf=self.idf,
                keys=self.keys,
                version=np.array(self.version),
            )
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> CaseIndex:
        # No pickles: a file in the data directory must not be able to run code.
        with np.load(path, allow_pickle=False) as f:
            matrix = sp.csc_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(f["shape"]))
            return cls(keys=f["keys"], matrix=matrix, idf=f["idf"], version=str(f["version"]))


def build(
    keys: Sequence[str], titles: Sequence[str], bodies: Sequence[str], *, version: str = ""
) -> CaseIndex:
    raw = counts(bodies) + TITLE_BOOST * counts(titles)
    return from_counts(keys, raw, version=version)


def from_counts(keys: Sequence[str], raw: sp.csr_matrix, *, version: str = "") -> CaseIndex:
    """The index of cases given their raw (title-boosted) bigram counts."""
    n = raw.shape[0]
    df = np.bincount(raw.indices, minlength=N_FEATURES)
    idf = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    matrix = _prune(_weigh(raw, idf), KEEP_PER_CASE)
    return CaseIndex(
        keys=np.array(keys, dtype=str), matrix=matrix.tocsc(), idf=idf, version=version
    )


def _weigh(raw: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF × IDF, rows scaled to unit length."""
    weighted = raw.astype(np.float32, copy=True)
    weighted.data = (1 + np.log(weighted.data)) * idf[weighted.indices]
    return _unit_rows(weighted)


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    if matrix.shape[0] == 0:
        return matrix
    return normalize(matrix, copy=False)


def _prune(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row's `keep` largest entries, rescaled to unit length."""
    lengths = np.diff(matrix.indptr)
    threshold = np.zeros(matrix.shape[0], dtype=np.float32)
    # A partition per long row is far cheaper than one sort of every entry.
    for row in np.flatnonzero(lengths > keep):
        values = matrix.data[matrix.indptr[row] : matrix.indptr[row + 1]]
        threshold[row] = np.partition(values, -keep)[-keep]
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    kept = matrix.data >= threshold[rows]
    pruned = sp.csr_matrix(
        (matrix.data[kept], (rows[kept], matrix.indices[kept])),
        shape=matrix.shape,
        dtype=np.float32,
    )
    return _unit_rows(pruned)
