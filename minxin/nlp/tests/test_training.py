"""Training flows that store a version: from rows, with a kept-back measurement."""

from __future__ import annotations

import pytest

from minxin.nlp.training import train_from_rows

pytestmark = pytest.mark.django_db


def test_train_from_rows(synthetic):
    rows = [{"title": t[:6], "text": t, "category": label} for t, label in synthetic]
    v = train_from_rows(rows, notes="unit test")
    assert v.is_active  # none was active
    assert v.metrics["n_test"] > 0
    assert 0 <= v.metrics["accuracy"] <= 1
    assert set(v.labels) == {label for _, label in synthetic}
    v2 = train_from_rows(synthetic, holdout=0)
    assert not v2.is_active
    assert v2.version == 2
    with pytest.raises(ValueError, match="two categories"):
        train_from_rows([("一", "甲"), ("二", "甲")])
