from __future__ import annotations

import pytest

from minxin.nlp import predict_category as public_predict
from minxin.nlp import services
from minxin.nlp.models import ModelVersion
from minxin.nlp.services import (
    ModelVersionError,
    Suggestion,
    get_active_model,
    model_version_activate,
    model_version_create,
    model_version_rollback,
    predict_category,
    train_from_rows,
)

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
    assert len(top) == 2 and isinstance(top[0], Suggestion)
    label, confidence = top[0]
    assert label == "劳动和社会保障" and 0 < confidence <= 1
    assert predict_category("   ") == []


def test_activation_switches_and_rollback_restores(tiny_model):
    v1 = model_version_create(model=tiny_model, activate=True)
    first = get_active_model()
    v2 = model_version_create(model=tiny_model, activate=True)
    v1.refresh_from_db()
    assert not v1.is_active and v2.is_active and v2.previous_id == v1.pk
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    second = get_active_model()
    assert second is not first  # the cache follows the active version id

    back = model_version_rollback()
    assert back.pk == v1.pk and back.is_active
    assert get_active_model() is not second
    with pytest.raises(ModelVersionError):
        model_version_rollback()  # v1 had nothing before it


def test_another_process_activation_is_picked_up(tiny_model):
    v1 = model_version_create(model=tiny_model, activate=True)
    v2 = model_version_create(model=tiny_model)
    assert get_active_model() is not None
    # Simulate another process switching versions directly in the database.
    ModelVersion.objects.filter(pk=v1.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=v2.pk).update(is_active=True)
    assert services._cache["category"][0] == v1.pk
    get_active_model()
    assert services._cache["category"][0] == v2.pk


def test_corrupt_version_is_never_activated(tiny_model):
    v = model_version_create(model=tiny_model)
    ModelVersion.objects.filter(pk=v.pk).update(blob=b"not a model")
    with pytest.raises(ModelVersionError):
        model_version_activate(version=v.pk)
    # ... and an active version that became unreadable gives no suggestions, not errors.
    good = model_version_create(model=tiny_model, activate=True)
    ModelVersion.objects.filter(pk=good.pk).update(blob=b"broken")
    services._forget()
    assert predict_category("道路积水") == []


def test_file_storage(tiny_model, settings, tmp_path):
    settings.NLP_MODEL_STORAGE = "file"
    settings.DATA_DIR = tmp_path
    v = model_version_create(model=tiny_model, activate=True)
    assert v.blob is None and v.path.startswith("nlp-models/")
    assert (tmp_path / v.path).stat().st_size == v.size
    assert predict_category("医院乱收费")[0].category == "卫生计生"


def test_train_from_rows(synthetic):
    rows = [{"title": t[:6], "text": t, "category": label} for t, label in synthetic]
    v = train_from_rows(rows, notes="unit test")
    assert v.is_active  # none was active
    assert v.metrics["n_test"] > 0 and 0 <= v.metrics["accuracy"] <= 1
    assert set(v.labels) == {label for _, label in synthetic}
    v2 = train_from_rows(synthetic, holdout=0)
    assert not v2.is_active and v2.version == 2
    with pytest.raises(ValueError):
        train_from_rows([("一", "甲"), ("二", "甲")])
