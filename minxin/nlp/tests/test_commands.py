from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from minxin.nlp.models import ModelVersion
from minxin.nlp.tests.conftest import synthetic_rows


def _write(path, rows, title=False, segmented=False):
    from minxin.nlp.preprocess import normalize

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "text", "category"] if title else ["id", "text", "category"])
        for i, (text, label) in enumerate(rows):
            body = normalize(text) if segmented else text
            w.writerow([i, text[:8], body, label] if title else [i, body, label])
    return path


def _run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    text = out.getvalue()
    return json.loads(text)


REQUIRED = {
    "accuracy",
    "macro_f1",
    "n_test",
    "train_seconds",
    "predict_per_second",
    "baseline_accuracy",
    "baseline_macro_f1",
}


def test_evaluate_with_test_file(tmp_path, capsys):
    train = _write(tmp_path / "train.csv", synthetic_rows(25, seed=1), segmented=True)
    test = _write(tmp_path / "test.csv", synthetic_rows(6, seed=2), title=True)
    call_command("nlp-evaluate", "--train", str(train), "--test", str(test), "--json")
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # one JSON object, one line
    result = json.loads(out)
    assert REQUIRED <= result.keys()
    assert result["n_test"] == 42
    assert result["mode"] == "holdout"
    assert 0.8 <= result["accuracy"] <= 1
    assert result["predict_per_second"] > 0


def test_evaluate_cross_validation(tmp_path, capsys):
    seg = _write(tmp_path / "seg.csv", synthetic_rows(20, seed=3), segmented=True)
    raw = _write(tmp_path / "raw.csv", synthetic_rows(8, seed=4), title=True)
    call_command(
        "nlp-evaluate", "--train", str(seg), "--train", str(raw), "--cv", "3", "--no-speed"
    )
    result = json.loads(capsys.readouterr().out)
    assert REQUIRED - {"predict_per_second"} <= result.keys()
    assert result["mode"] == "cv-raw"
    assert result["n_test"] == 56
    assert len(result["fold_accuracy"]) == 3


@pytest.mark.django_db
def test_train_command_stores_and_activates(tmp_path, capsys):
    data = _write(tmp_path / "raw.csv", synthetic_rows(12, seed=5), title=True)
    call_command("nlp-train", "--train", str(data))
    first = json.loads(capsys.readouterr().out)
    assert first["is_active"]
    assert first["version"] == 1
    assert "accuracy" in first["metrics"]
    call_command("nlp-train", "--train", str(data), "--holdout", "0")
    assert not json.loads(capsys.readouterr().out)["is_active"]
    call_command("nlp-train", "--train", str(data), "--holdout", "0", "--activate")
    assert json.loads(capsys.readouterr().out)["is_active"]
    assert ModelVersion.objects.get(is_active=True).version == 3
    call_command("nlp-model", "rollback")
    assert ModelVersion.objects.get(is_active=True).version == 1
    listing = _run("nlp-model", "list")
    assert [v["version"] for v in listing] == [3, 2, 1]
    top = _run("nlp-model", "predict", "公司拖欠工资，农民工讨薪无门", "-k", "2")
    assert len(top) == 2
    assert top[0]["category"] == "劳动和社会保障"
