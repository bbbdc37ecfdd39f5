"""The request classifier: normalised text -> TF-IDF n-grams -> NB-weighted linear SVM.

Method (measured figures and the reason for each choice: docs/nlp.md):

* Every text goes through `minxin.nlp.preprocess.normalize`, so raw messages and the
  pre-segmented training file become one token stream.
* Features, a scikit-learn ``FeatureUnion`` of TF-IDF blocks (sublinear tf, l2 norm):
  - jieba words, unigrams and bigrams (``min_df=2``);
  - character 1-3-grams of the normalised token string (single spaces between words
    are kept, so an n-gram knows where a word ends);
  - a "lead" block: words and character n-grams of the first few tokens. The title
    comes first in both input shapes, so this weights the title without having to
    know where it ends in the segmented data.
  The n-grams are counted by `minxin.nlp.features.NgramCounts` (integer-coded n-grams,
  same counts as scikit-learn's CountVectorizer, several times faster).
* Classifier: `NBLinearSVC`, one-vs-rest linear SVMs on features scaled by their naive
  Bayes log-count ratio (Wang & Manning 2012, "NBSVM"), folded back into one
  coefficient matrix so prediction is a single sparse product.
* Confidences: softmax of the decision scores with a temperature fitted (minimum log
  loss) on a held-out fifth of the training data, so that 0.9 means about 90 %.

Public API: `Model.predict_top_k(texts, k)`, `Model.to_bytes()` / `Model.from_bytes()`;
`minxin.nlp.fitting.train(texts, labels) -> Model` trains one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from minxin.nlp.features import NgramCounts
from minxin.nlp.preprocess import normalize

__all__ = [
    "Model",
    "ModelConfig",
    "NBLinearSVC",
    "baseline_pipeline",
    "build_pipeline",
    "softmax",
]

# Bumped whenever preprocessing or the feature layout changes incompatibly, so that an
# old stored model is refused instead of silently mis-predicting.
FORMAT_VERSION = 1
# Batches up to this size are scored by `Model._fast_scores`, larger ones by sklearn.
FAST_PATH_MAX = 16
# One TF-IDF block for the fast path: lead tokens (None = whole text), its n-gram counter,
# idf, first column in the feature union, and weight.
_Block = tuple[int | None, NgramCounts, np.ndarray, int, float]


@dataclass(frozen=True)
class ModelConfig:
    words: bool = True  # the jieba word block (off only for ablations)
    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 2
    char_ngrams: tuple[int, int] = (1, 3)
    char_min_df: int = 2
    lead_tokens: int = 8
    lead_weight: float = 0.3  # 0 drops the lead block
    nb: bool = True  # naive Bayes feature scaling; False = plain one-vs-rest LinearSVC
    max_chars: int = 500
    C: float = 1.0
    nb_alpha: float = 1.0
    calibration_fraction: float = 0.2
    random_state: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelConfig:
        """A config from (JSON) overrides of the defaults; unknown keys are an error."""
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown model settings: {sorted(unknown)}")
        fixed: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in values.items()
        }
        return cls(**fixed)


def _lead(texts: Iterable[str], n: int = 8) -> list[str]:
    """The first `n` tokens of each normalised text (the title comes first)."""
    return [" ".join(t.split(" ", n)[:n]) for t in texts]


def _tfidf(kind: str, ngrams: Sequence[int], min_df: int) -> Pipeline:
    return Pipeline(
        [
            ("counts", NgramCounts(kind=kind, ngram_range=tuple(ngrams), min_df=min_df)),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )


def build_features(config: ModelConfig) -> FeatureUnion:
    lead = Pipeline(
        [
            ("take", FunctionTransformer(_lead, kw_args={"n": config.lead_tokens})),
            (
                "union",
                FeatureUnion(
                    [
                        ("words", _tfidf("word", (1, 1), 1)),
                        ("chars", _tfidf("char", config.char_ngrams, 1)),
                    ]
                ),
            ),
        ]
    )
    blocks = []
    weights = {}
    if config.words:
        blocks.append(("words", _tfidf("word", config.word_ngrams, config.word_min_df)))
        weights["words"] = 1.0
    blocks.append(("chars", _tfidf("char", config.char_ngrams, config.char_min_df)))
    weights["chars"] = 1.0
    if config.lead_weight > 0:
        blocks.append(("lead", lead))
        weights["lead"] = config.lead_weight
    return FeatureUnion(blocks, transformer_weights=weights)


class NBLinearSVC(ClassifierMixin, BaseEstimator):
    """One-vs-rest linear SVMs on naive-Bayes-scaled features (NBSVM).

    For class c every feature j is multiplied by r_cj = log(p_cj / q_cj), where p and q
    are the smoothed, normalised document frequencies of j inside and outside c. The
    SVM for c is trained on the scaled features; its weights are multiplied by r_c
    afterwards, so `decision_function` works on the unscaled matrix.
    """

    def __init__(self, C: float = 1.0, alpha: float = 1.0, nb: bool = True) -> None:
        self.C = C
        self.alpha = alpha
        self.nb = nb

    def fit(self, X: Any, y: Sequence[str]) -> NBLinearSVC:
        X = sp.csr_matrix(X, dtype=np.float32)
        self.classes_, y_idx = np.unique(np.asarray(y), return_inverse=True)
        n_classes, n_features = len(self.classes_), X.shape[1]
        binary = X.copy()
        binary.data[:] = 1.0
        onehot = sp.csr_matrix(
            (np.ones(len(y_idx), dtype=np.float32), (y_idx, np.arange(len(y_idx)))),
            shape=(n_classes, len(y_idx)),
        )
        in_class = np.asarray((onehot @ binary).todense(), dtype=np.float64)
        total = in_class.sum(axis=0)
        coef = np.zeros((n_classes, n_features), dtype=np.float32)
        intercept = np.zeros(n_classes, dtype=np.float32)
        for c in range(n_classes):
            p = self.alpha + in_class[c]
            q = self.alpha + (total - in_class[c])
            r = np.log(p / p.sum()) - np.log(q / q.sum())
            if not self.nb:
                r = np.ones_like(r)
            target = (y_idx == c).astype(np.int8)
            svm = LinearSVC(C=self.C, random_state=0)  # reproducible builds
            svm.fit(X.multiply(r.astype(np.float32)).tocsr(), target)
            coef[c] = svm.coef_[0] * r
            intercept[c] = svm.intercept_[0]
        # Column-major: the single-text path gathers columns.
        self.coef_ = np.asfortranarray(coef)
        self.intercept_ = intercept
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def build_pipeline(config: ModelConfig | None = None) -> Pipeline:
    """The unfitted scikit-learn pipeline; its input is *normalised* text."""
    config = config or ModelConfig()
    return Pipeline(
        [
            ("features", build_features(config)),
            ("clf", NBLinearSVC(C=config.C, alpha=config.nb_alpha, nb=config.nb)),
        ]
    )


def baseline_pipeline() -> Pipeline:
    """The published reference: char 1-3-gram TF-IDF + LinearSVC on the text as given."""
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
            ("clf", LinearSVC()),
        ]
    )


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = np.asarray(scores, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def count_blocks(pipeline: Pipeline) -> Iterator[tuple[int | None, Pipeline, float]]:
    """The TF-IDF blocks of a (fitted or unfitted) pipeline in column order: the number of
    lead tokens it reads (None = the whole text), its counts -> tfidf pipeline, its weight."""
    union = pipeline.named_steps["features"]
    weights = union.transformer_weights or {}
    for name, step in union.transformer_list:
        weight = weights.get(name, 1.0)
        if "take" not in step.named_steps:
            yield None, step, weight
            continue
        n = (step.named_steps["take"].kw_args or {}).get("n", 8)
        inner = step.named_steps["union"]
        inner_weights = inner.transformer_weights or {}
        for sub_name, sub in inner.transformer_list:
            yield n, sub, weight * inner_weights.get(sub_name, 1.0)


@dataclass
class Model:
    """A trained classifier: preprocessing settings + fitted pipeline + calibration."""

    pipeline: Pipeline
    config: ModelConfig
    temperature: float = 1.0
    n_train: int = 0
    train_seconds: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.named_steps["clf"].classes_]

    # -- prediction -------------------------------------------------------------
    def normalize(self, texts: Iterable[str]) -> list[str]:
        return [normalize(t, self.config.max_chars) for t in texts]

    def decision_function_normalized(self, normalized: Sequence[str]) -> np.ndarray:
        normalized = list(normalized)
        if len(normalized) <= FAST_PATH_MAX:
            if not normalized:
                return np.zeros((0, len(self.classes)))
            return np.vstack([self._fast_scores(t) for t in normalized])
        return self.pipeline.decision_function(normalized)

    def predict_proba_normalized(self, normalized: Sequence[str]) -> np.ndarray:
        return softmax(self.decision_function_normalized(normalized), self.temperature)

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        return self.predict_proba_normalized(self.normalize(texts))

    def predict(self, texts: Iterable[str]) -> list[str]:
        scores = self.decision_function_normalized(self.normalize(texts))
        classes = self.classes
        return [classes[i] for i in scores.argmax(axis=1)]

    def predict_top_k(self, texts: Iterable[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the `k` likeliest categories as ``(label, confidence)``, best first.

        A text with nothing left after preprocessing (empty, only punctuation, numbers
        or Latin letters) gets an empty list rather than a guess.
        """
        normalized = self.normalize(texts)
        proba = self.predict_proba_normalized(normalized)
        classes = self.classes
        k = max(1, min(int(k), len(classes)))
        out: list[list[tuple[str, float]]] = []
        for row, text in zip(proba, normalized, strict=False):
            if not text:
                out.append([])
                continue
            order = np.argsort(-row, kind="stable")[:k]
            out.append([(classes[i], round(float(row[i]), 4)) for i in order])
        return out

    # The sklearn transform has a fixed overhead of a few milliseconds per call
    # (validation, sparse stacking of five blocks): one request at a time it would serve
    # about a quarter of the 1,000 predictions a second asked for on one core (issue 4),
    # as when a citizen's draft or a request page is classified. So the same arithmetic is
    # done directly: count, sublinear tf * idf, l2-normalise, weight, dot with the
    # coefficient columns. tests/test_pipeline.py checks both paths agree.
    def _fast_blocks(self) -> list[_Block]:
        blocks: list[_Block] | None = self.__dict__.get("_blocks_cache")
        if blocks is None:
            blocks = []
            offset = 0
            for n, sub, weight in count_blocks(self.pipeline):
                counts = sub.named_steps["counts"]
                idf = sub.named_steps["tfidf"].idf_.astype(np.float64)
                blocks.append((n, counts, idf, offset, weight))
                offset += counts.n_features_out_
            self.__dict__["_blocks_cache"] = blocks
        return blocks

    def _fast_scores(self, text: str) -> np.ndarray:
        clf = self.pipeline.named_steps["clf"]
        coef = clf.coef_
        scores = clf.intercept_.astype(np.float64)
        leads: dict[int, str] = {}
        for n, counts, idf, offset, weight in self._fast_blocks():
            if n is None:
                doc = text
            else:
                if n not in leads:
                    leads[n] = _lead([text], n)[0]
                doc = leads[n]
            cols, tf = counts.doc_counts(doc)
            if not len(cols):
                continue
            values = (np.log(tf) + 1.0) * idf[cols]
            values *= weight / np.sqrt(values @ values)
            scores = scores + coef[:, offset + cols] @ values
        return scores

    # -- serialisation ----------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_blocks_cache", None)
        return state

    def to_bytes(self) -> bytes:
        """The model as a compressed .npz of arrays and JSON (`minxin.nlp.arrays`)."""
        from minxin.nlp.arrays import model_to_npz

        return model_to_npz(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        from minxin.nlp.arrays import is_npz, model_from_npz

        if is_npz(data):
            return model_from_npz(data)
        # Versions stored before the .npz format: joblib rows of the city's own database.
        import joblib

        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, cls):
            raise TypeError(f"not a {cls.__name__}: {type(model)!r}")
        if model.format_version != FORMAT_VERSION:
            raise ValueError(
                f"model format {model.format_version} is not the current {FORMAT_VERSION}; retrain"
            )
        return model
