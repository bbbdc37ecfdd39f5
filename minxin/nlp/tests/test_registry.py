"""Model versions: creation, activation, rollback, storage in the row or a file."""

from __future__ import annotations

import pytest

from minxin.nlp.models import ModelVersion
from minxin.nlp.prediction import active_models, get_active_model, predict_category
from minxin.nlp.registry import model_version_activate, model_version_create, model_version_rollback
from minxin.nlp.storage import ModelVersionError

pytestmark = pytest.mark.django_db


def test_activation_switches_and_rollback_restores(tiny_model):
    v1 = model_version_create(model=tiny_model, activate=True)
    first = get_active_model()
    v2 = model_version_create(model=tiny_model, activate=True)
    v1.refresh_from_db()
    assert not v1.is_active
    assert v2.is_active
    assert v2.previous_id == v1.pk
    assert ModelVersion.objects.filter(is_active=True).count() == 1
    second = get_active_model()
    assert second is not first  # the cache follows the active version id

    back = model_version_rollback()
    assert back.pk == v1.pk
    assert back.is_active
    assert get_active_model() is not second
    with pytest.raises(ModelVersionError):
        model_version_rollback()  # v1 had nothing before it


def test_corrupt_version_is_never_activated(tiny_model):
    v = model_version_create(model=tiny_model)
    ModelVersion.objects.filter(pk=v.pk).update(blob=b"not a model")
    with pytest.raises(ModelVersionError):
        model_version_activate(version=v.pk)
    # ... and an active version that became unreadable gives no suggestions, not errors.
    good = model_version_create(model=tiny_model, activate=True)
    ModelVersion.objects.filter(pk=good.pk).update(blob=b"broken")
    active_models.forget()
    assert predict_category("道路积水") == []


def test_file_storage(tiny_model, settings, tmp_path):
    settings.NLP_MODEL_STORAGE = "file"
    settings.DATA_DIR = tmp_path
    v = model_version_create(model=tiny_model, activate=True)
    assert v.blob is None
    assert v.path.startswith("nlp-models/")
    assert (tmp_path / v.path).stat().st_size == v.size
    assert predict_category("医院乱收费")[0].category == "卫生计生"
