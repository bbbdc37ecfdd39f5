"""The model file format: arrays and JSON, byte-stable, never unpickled."""

from __future__ import annotations

import io

import joblib
import numpy as np
import pytest

from minxin.nlp.arrays import is_npz, model_from_npz
from minxin.nlp.pipeline import Model


def test_the_same_model_gives_the_same_bytes(tiny_model):
    data = tiny_model.to_bytes()
    assert is_npz(data)
    assert tiny_model.to_bytes() == data


def test_predictions_survive_the_round_trip_exactly(tiny_model, synthetic):
    loaded = Model.from_bytes(tiny_model.to_bytes())
    texts = tiny_model.normalize([t for t, _ in synthetic[:40]])
    assert np.array_equal(
        loaded.pipeline.decision_function(texts), tiny_model.pipeline.decision_function(texts)
    )
    assert loaded.config == tiny_model.config


def test_a_file_holding_a_pickled_object_is_refused(tiny_model):
    buf = io.BytesIO()
    with np.load(io.BytesIO(tiny_model.to_bytes())) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["meta"] = np.array([{"format": 1}], dtype=object)  # needs pickle to read
    np.savez(buf, **arrays)
    with pytest.raises(ValueError, match="allow_pickle"):
        model_from_npz(buf.getvalue())


def test_versions_stored_before_the_npz_format_still_load(tiny_model):
    buf = io.BytesIO()
    joblib.dump(tiny_model, buf)
    assert Model.from_bytes(buf.getvalue()).classes == tiny_model.classes
