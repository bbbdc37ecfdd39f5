"""The classifier shipped inside the package: small, pickle-free, true to its provenance, and
answering in a fresh install with no shared data."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import joblib

from minxin.nlp import default
from minxin.nlp.arrays import model_from_npz
from minxin.nlp.default import DATA_FILES, default_model, default_model_dir

MODEL = default_model_dir() / "category.npz"
PROVENANCE = default_model_dir() / "category.json"


def test_the_shipped_model_is_small_and_matches_its_provenance():
    data = MODEL.read_bytes()
    provenance = json.loads(PROVENANCE.read_text("utf-8"))
    assert len(data) <= 10 * 1024 * 1024
    assert hashlib.sha256(data).hexdigest() == provenance["sha256"]
    assert [f["file"] for f in provenance["data"]] == list(DATA_FILES)
    assert provenance["n_train"] == sum(f["rows"] for f in provenance["data"])
    assert provenance["holdout"]["accuracy"] >= 0.85
    assert provenance["holdout"]["calibration"]["ece"] < 0.1


def test_it_loads_without_unpickling_anything(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the shipped model must not be unpickled")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(joblib, "load", refuse)
    model = model_from_npz(MODEL.read_bytes())
    assert sorted(model.classes) == sorted(json.loads(PROVENANCE.read_text("utf-8"))["labels"])
    assert model.predict_top_k(["小区电梯困人，物业不管"])[0][0][0] == "商贸旅游"


def test_it_answers_only_when_no_version_is_active_and_it_is_on(settings, db):
    from minxin.nlp.prediction import predict_category

    settings.NLP_DEFAULT_MODEL = False
    assert predict_category("家里闻到天然气味道") == []
    settings.NLP_DEFAULT_MODEL = True
    top = predict_category("家里闻到天然气味道")
    assert top[0].category == "城乡建设"
    assert default_model("other") is None


def test_a_changed_file_is_refused(tmp_path, monkeypatch, settings):
    settings.NLP_DEFAULT_MODEL = True
    shutil.copy(PROVENANCE, tmp_path / "category.json")
    (tmp_path / "category.npz").write_bytes(MODEL.read_bytes()[:-10] + b"0123456789")
    monkeypatch.setattr(default, "default_model_dir", lambda: tmp_path)
    assert default_model() is None


FRESH_INSTALL = r"""
import json, os
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
from minxin.org.models import Category, Responsibility, Unit

bureaus = {"城乡建设": "市住房和城乡建设局", "商贸旅游": "市市场监督管理局",
           "环境保护": "市生态环境局", "交通运输": "市交通运输局"}
for i, (top, unit_name) in enumerate(bureaus.items()):
    unit = Unit.objects.create(name=unit_name, code=f"u{i}", kind="bureau")
    Responsibility.objects.create(category=Category.objects.create(name=top), unit=unit)

from minxin.nlp.dataset import shared_data_dir
from minxin.portal.suggest import suggestion_payload
from minxin.workbench.suggest import predicted_categories

texts = json.loads(os.environ["TEXTS"])
print(json.dumps({
    "shared_data": str(shared_data_dir()),
    "answers": [
        {
            "categories": [(str(g.category), g.source, g.confidence)
                           for g in predicted_categories(t)],
            "unit": suggestion_payload(t)["unit"],
        }
        for t in texts
    ],
}, ensure_ascii=False))
"""


def test_a_fresh_install_without_shared_data_suggests_from_the_first_request(tmp_path):
    """The package tree copied away from the repository (no ../shared beside it), a new
    SQLite database, no model trained, a bare tree without keywords: the real suggestion
    path answers with the model alone (a gas *smell* needs the city's 燃气 keywords, which
    this tree lacks: routing/tests/test_demo_cases.py)."""
    site = tmp_path / "site"
    shutil.copytree(
        Path(default.__file__).resolve().parents[1],
        site / "minxin",
        ignore=shutil.ignore_patterns("__pycache__", "tests"),
    )
    texts = [
        "电梯困人\n小区3号楼电梯突然停在两层之间，两位老人被困四十分钟才被救出，电梯经常故障。",
        "燃气管道老化漏气\n我们小区的燃气管道用了二十多年，经常漏气，燃气公司一直不更换。",
        "货车尾气太呛\n物流园几十辆柴油货车整夜怠速，尾气冒黑烟，居民不敢开窗。",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINXIN_", "NLP_"))}
    env.update(
        PYTHONPATH=str(site),
        DJANGO_SETTINGS_MODULE="minxin.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        MINXIN_DATA_DIR=str(tmp_path / "var"),
        DEBUG="1",
        TEXTS=json.dumps(texts, ensure_ascii=False),
    )
    done = subprocess.run(
        [sys.executable, "-c", FRESH_INSTALL],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["shared_data"] == "None"
    lift, gas, exhaust = result["answers"]
    for answer in result["answers"]:
        assert answer["categories"][0][1] == "model"
        assert 0 < answer["categories"][0][2] < 1
    assert lift["categories"][0][0] == "商贸旅游"
    assert lift["unit"]["name"] == "市市场监督管理局"
    assert gas["categories"][0][0] == "城乡建设"
    assert gas["unit"]["name"] == "市住房和城乡建设局"
    assert exhaust["categories"][0][0] == "环境保护"
    assert exhaust["unit"]["name"] == "市生态环境局"
