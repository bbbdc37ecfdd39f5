"""The active model, loaded once per process and version, and its suggestions."""

from __future__ import annotations

import pytest

from minxin.nlp import predict_category as public_predict
from minxin.nlp.models import ModelVersion
from minxin.nlp.prediction import Suggestion, active_models, get_active_model, predict_category
from minxin.nlp.registry import model_version_activate, model_version_create

pytestmark = pytest.mark.django_db


def test_no_active_model_means_no_suggestion():
    assert get_active_model() is None
    assert predict_category("道路积水") == []
    assert public_predict("道路积水", k=2) == []


def test_create_activate_and_predict(tiny_model):
    v1 = model_version_create(model=tiny_model, metrics={"accuracy": 0.9}, notes="first")
    assert (v1.version, v1.is_active, v1.n_train) == (1, False, tiny_model.n_train)
    assert predict_category("公司拖欠工资") == []
    model_version_activate(version=v1)
    top = predict_category("公司拖欠工资半年，农民工讨薪无门", k=2)
    assert len(top) == 2
    assert isinstance(top[0], Suggestion)
    label, confidence = top[0]
    assert label == "劳动和社会保障"
    assert 0 < confidence <= 1
    assert predict_category("   ") == []


def test_another_process_activation_is_picked_up(tiny_model):
    v1 = model_version_create(model=tiny_model, activate=True)
    v2 = model_version_create(model=tiny_model)
    assert get_active_model() is not None
    # Simulate another process switching versions directly in the database.
    ModelVersion.objects.filter(pk=v1.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=v2.pk).update(is_active=True)
    assert active_models.version_id("category") == v1.pk
    get_active_model()
    assert active_models.version_id("category") == v2.pk
