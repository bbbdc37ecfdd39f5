"""The request classifier: normalised text -> TF-IDF features -> NB-weighted linear SVM.

Method (measured figures and the reasons behind each choice: docs/nlp.md):

* Every text goes through `minxin.nlp.preprocess.normalize`, so raw messages and the
  pre-segmented training file share one token stream.
* Features (a scikit-learn ``FeatureUnion``), all TF-IDF with sublinear tf:
  - jieba words, unigrams and bigrams (``min_df=2``);
  - character 1-3-grams of the normalised token string (the spaces between words are
    kept, so n-grams know where words end);
  - a "lead" block: words and character n-grams of the first few tokens only. The
    title comes first in both input shapes, so this gives the title extra weight
    without needing to know where it ends in the segmented data.
* Classifier: `NBLinearSVC`, one-vs-rest linear SVMs on features scaled by their
  naive Bayes log-count ratio (Wang & Manning 2012, "NBSVM"), folded back into a
  single coefficient matrix so prediction is one sparse matrix product.
* Confidences: softmax of the decision scores with a temperature fitted on a held-out
  part of the training data (minimum log loss), so that "0.9" means roughly 90 %.

`train(texts, labels)` returns a `Model`; `Model.predict_top_k(texts, k)` gives the
best `k` categories with confidences; `Model.to_bytes()` / `Model.from_bytes()`
serialise it (joblib, zlib-compressed).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from .preprocess import normalize

__all__ = [
    "ModelConfig",
    "Model",
    "NBLinearSVC",
    "train",
    "train_normalized",
    "build_pipeline",
    "baseline_pipeline",
]

# Bumped whenever preprocessing or the feature layout changes incompatibly, so an
# old stored model can be recognised.
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    word_ngrams: tuple[int, int] = (1, 2)
    word_min_df: int = 2
    char_ngrams: tuple[int, int] = (1, 3)
    char_min_df: int = 2
    lead_tokens: int = 8
    lead_weight: float = 0.3
    max_tokens: int = 400
    C: float = 1.0
    nb_alpha: float = 1.0
    calibration_fraction: float = 0.2
    random_state: int = 0

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def _lead(texts: Iterable[str], n: int = 8) -> list[str]:
    """The first `n` tokens of each normalised text (the title comes first)."""
    return [" ".join(t.split(" ", n)[:n]) for t in texts]


def _word_tfidf(ngrams, min_df) -> TfidfVectorizer:
    return TfidfVectorizer(
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=tuple(ngrams),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _char_tfidf(ngrams, min_df) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        lowercase=False,
        ngram_range=tuple(ngrams),
        min_df=min_df,
        sublinear_tf=True,
        dtype=np.float32,
    )


def build_features(config: ModelConfig) -> FeatureUnion:
    lead = Pipeline(
        [
            ("take", FunctionTransformer(_lead, kw_args={"n": config.lead_tokens})),
            (
                "tfidf",
                FeatureUnion(
                    [
                        ("words", _word_tfidf((1, 1), 1)),
                        ("chars", _char_tfidf(config.char_ngrams, 1)),
                    ]
                ),
            ),
        ]
    )
    return FeatureUnion(
        [
            ("words", _word_tfidf(config.word_ngrams, config.word_min_df)),
            ("chars", _char_tfidf(config.char_ngrams, config.char_min_df)),
            ("lead", lead),
        ],
        transformer_weights={"words": 1.0, "chars": 1.0, "lead": config.lead_weight},
    )


class NBLinearSVC(ClassifierMixin, BaseEstimator):
    """One-vs-rest linear SVMs on naive-Bayes-scaled features (NBSVM).

    For class c, every feature j is multiplied by r_cj = log(p_cj / q_cj), where p and q
    are the smoothed, normalised document frequencies of j inside and outside c. The
    SVM for c is trained on the scaled features; its weights are multiplied by r_c
    afterwards so that `decision_function` works on the unscaled matrix.
    """

    def __init__(self, C: float = 1.0, alpha: float = 1.0):
        self.C = C
        self.alpha = alpha

    def fit(self, X, y):
        X = sp.csr_matrix(X, dtype=np.float32)
        y = np.asarray(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
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
            target = (y_idx == c).astype(np.int8)
            svm = LinearSVC(C=self.C)
            svm.fit(X.multiply(r.astype(np.float32)).tocsr(), target)
            coef[c] = svm.coef_[0] * r
            intercept[c] = svm.intercept_[0]
        self.coef_ = coef
        self.intercept_ = intercept
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X):
        scores = X @ self.coef_.T
        return np.asarray(scores) + self.intercept_

    def predict(self, X):
        return self.classes_[self.decision_function(X).argmax(axis=1)]


def build_pipeline(config: ModelConfig | None = None) -> Pipeline:
    """The unfitted scikit-learn pipeline; its input is *normalised* text."""
    config = config or ModelConfig()
    return Pipeline(
        [
            ("features", build_features(config)),
            ("clf", NBLinearSVC(C=config.C, alpha=config.nb_alpha)),
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


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(scores: np.ndarray, y_idx: np.ndarray) -> float:
    """The softmax temperature that minimises the log loss of `scores` (1-D search)."""
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(y_idx))

    def nll(log_t: float) -> float:
        p = _softmax(scores, float(np.exp(log_t)))
        return float(-np.log(np.clip(p[rows, y_idx], 1e-12, None)).mean())

    res = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(res.x))


def truncate(text: str, max_tokens: int) -> str:
    if max_tokens and text.count(" ") >= max_tokens:
        return " ".join(text.split(" ", max_tokens)[:max_tokens])
    return text


@dataclass
class Model:
    """A trained classifier: preprocessing + fitted pipeline + confidence calibration."""

    pipeline: Pipeline
    config: ModelConfig
    temperature: float = 1.0
    n_train: int = 0
    train_seconds: float = 0.0
    info: dict = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.named_steps["clf"].classes_]

    # -- prediction -------------------------------------------------------------
    def normalize(self, texts: Iterable[str]) -> list[str]:
        return [truncate(normalize(t), self.config.max_tokens) for t in texts]

    def decision_function_normalized(self, normalized: Sequence[str]) -> np.ndarray:
        return self.pipeline.decision_function(list(normalized))

    def predict_proba_normalized(self, normalized: Sequence[str]) -> np.ndarray:
        if not len(normalized):
            return np.zeros((0, len(self.classes)))
        return _softmax(self.decision_function_normalized(normalized), self.temperature)

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        return self.predict_proba_normalized(self.normalize(texts))

    def predict(self, texts: Iterable[str]) -> list[str]:
        normalized = self.normalize(texts)
        if not normalized:
            return []
        classes = np.asarray(self.classes, dtype=object)
        return list(classes[self.decision_function_normalized(normalized).argmax(axis=1)])

    def predict_top_k(self, texts: Iterable[str], k: int = 3) -> list[list[tuple[str, float]]]:
        """For each text, the `k` likeliest categories as ``(label, confidence)``, best first.

        A text with nothing left after preprocessing (empty, only punctuation or
        numbers) gets an empty list rather than a guess.
        """
        normalized = self.normalize(texts)
        proba = self.predict_proba_normalized(normalized)
        classes = self.classes
        k = max(1, min(int(k), len(classes)))
        out: list[list[tuple[str, float]]] = []
        for row, text in zip(proba, normalized):
            if not text:
                out.append([])
                continue
            order = np.argsort(-row, kind="stable")[:k]
            out.append([(classes[i], round(float(row[i]), 4)) for i in order])
        return out

    # -- serialisation ----------------------------------------------------------
    def to_bytes(self) -> bytes:
        import joblib

        buf = io.BytesIO()
        joblib.dump(self, buf, compress=("zlib", 3))
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        import joblib

        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, cls):
            raise TypeError(f"not a {cls.__name__}: {type(model)!r}")
        if model.format_version != FORMAT_VERSION:
            raise ValueError(
                f"model format {model.format_version} is not the current {FORMAT_VERSION}; retrain"
            )
        return model


def train_normalized(
    normalized: Sequence[str], labels: Sequence[str], config: ModelConfig | None = None
) -> Model:
    """Train on texts that already went through `Model.normalize` (saves time in evaluation)."""
    config = config or ModelConfig()
    started = time.perf_counter()
    normalized = [truncate(t, config.max_tokens) for t in normalized]
    labels = np.asarray([str(label) for label in labels], dtype=object)
    if len(normalized) != len(labels):
        raise ValueError("texts and labels differ in length")
    classes = np.unique(labels)
    if len(classes) < 2:
        raise ValueError("need at least two categories to train")

    temperature = 1.0
    n_cal = int(len(labels) * config.calibration_fraction)
    counts = {c: int((labels == c).sum()) for c in classes}
    if config.calibration_fraction > 0 and n_cal >= 50 and min(counts.values()) >= 5:
        from sklearn.model_selection import train_test_split

        idx = np.arange(len(labels))
        fit_idx, cal_idx = train_test_split(
            idx, test_size=config.calibration_fraction, stratify=labels,
            random_state=config.random_state,
        )
        probe = build_pipeline(config)
        probe.fit([normalized[i] for i in fit_idx], labels[fit_idx])
        scores = probe.decision_function([normalized[i] for i in cal_idx])
        class_index = {c: i for i, c in enumerate(probe.named_steps["clf"].classes_)}
        known = np.array([labels[i] in class_index for i in cal_idx])
        if known.all():
            y_idx = np.array([class_index[labels[i]] for i in cal_idx])
            temperature = fit_temperature(scores, y_idx)

    pipeline = build_pipeline(config)
    pipeline.fit(list(normalized), labels)
    elapsed = time.perf_counter() - started
    return Model(
        pipeline=pipeline,
        config=config,
        temperature=temperature,
        n_train=len(labels),
        train_seconds=round(elapsed, 2),
        info={"class_counts": counts},
    )


def train(texts: Sequence[str], labels: Sequence[str], config: ModelConfig | None = None) -> Model:
    """Train a `Model` on raw or segmented texts (title + body) and their categories."""
    started = time.perf_counter()
    config = config or ModelConfig()
    normalized = [truncate(normalize(t), config.max_tokens) for t in texts]
    model = train_normalized(normalized, labels, config)
    model.train_seconds = round(time.perf_counter() - started, 2)
    return model

