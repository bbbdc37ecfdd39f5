from __future__ import annotations

import numpy as np
import pytest

from minxin.nlp import pipeline
from minxin.nlp.dataset import near_duplicates
from minxin.nlp.fitting import train, train_normalized
from minxin.nlp.pipeline import FAST_PATH_MAX, Model, ModelConfig
from minxin.nlp.preprocess import normalize


def test_predict_top_k_shape(tiny_model):
    out = tiny_model.predict_top_k(["公司拖欠工资三个月，农民工讨薪无门", "", "！！！"], k=3)
    assert len(out) == 3
    top = out[0]
    assert len(top) == 3
    assert top[0][0] == "劳动和社会保障"
    confidences = [c for _, c in top]
    assert confidences == sorted(confidences, reverse=True)
    assert 0 < sum(confidences) <= 1.0001
    assert out[1] == []
    assert out[2] == []
    assert len(tiny_model.predict_top_k(["道路拥堵"], k=99)[0]) == 7


def test_fast_path_equals_sklearn_path(tiny_model, synthetic):
    texts = tiny_model.normalize([t for t, _ in synthetic[:40]] + ["从未见过的词语组合"])
    batch = tiny_model.pipeline.decision_function(texts)
    single = np.vstack([tiny_model._fast_scores(t) for t in texts])
    assert np.allclose(batch, single, atol=1e-4)
    assert len(texts) > FAST_PATH_MAX  # the batch call above took the sklearn path


def test_save_load_roundtrip(tiny_model):
    data = tiny_model.to_bytes()
    loaded = Model.from_bytes(data)
    texts = ["工厂排放废气，附近居民苦不堪言", "景区门票又涨价了"]
    assert loaded.predict_top_k(texts) == tiny_model.predict_top_k(texts)
    assert loaded.classes == tiny_model.classes
    assert loaded.temperature == tiny_model.temperature


def test_from_bytes_refuses_other_formats(tiny_model, monkeypatch):
    data = tiny_model.to_bytes()
    monkeypatch.setattr(pipeline, "FORMAT_VERSION", pipeline.FORMAT_VERSION + 1)
    with pytest.raises(ValueError, match="retrain"):
        Model.from_bytes(data)


def test_train_needs_two_labels():
    with pytest.raises(ValueError, match="two categories"):
        train(["一", "二"], ["甲", "甲"])


def test_confidence_is_calibrated_on_real_data(real_rows):
    """A small training run on real data: segmented subset in, raw messages out.

    Every third segmented row (2,736; the file is sorted by category) trains; the raw
    messages without a near-duplicate among them test. Sensible accuracy (the full data
    reaches ~0.88-0.93, see docs/nlp.md) and confidences that mean something.
    """
    seg = real_rows["segmented"][::3]
    raw = real_rows["raw"]
    config = ModelConfig()
    seg_n = [normalize(r.text, config.max_chars) for r in seg]
    raw_n = [normalize(r.text, config.max_chars) for r in raw]
    dupes = near_duplicates(seg_n, raw_n)
    test = [j for j in range(len(raw)) if not any(j in js for js in dupes.values())]
    assert len(test) > 250
    model = train_normalized(seg_n, [r.label for r in seg], config)
    proba = model.predict_proba_normalized([raw_n[j] for j in test])
    pred = [model.classes[i] for i in proba.argmax(axis=1)]
    truth = [raw[j].label for j in test]
    accuracy = np.mean([p == t for p, t in zip(pred, truth, strict=False)])
    assert accuracy >= 0.78
    # Calibration: the mean top confidence is close to the accuracy.
    assert abs(proba.max(axis=1).mean() - accuracy) < 0.08
