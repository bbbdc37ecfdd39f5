"""`minxin migrate` alone gives the five request types with their statutory limits, and
running the data migration again keeps what an administrator changed."""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
import sys

import pytest
from django.apps import apps

from minxin.org.models import RequestType

statutory = importlib.import_module("minxin.org.migrations.0005_statutory_request_types")


def test_a_database_migrated_from_zero_has_the_types(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "-m", "minxin", "migrate", "-v0"], env=env, check=True, timeout=600
    )
    rows = sqlite3.connect(db).execute(
        "select name, deadline_days, direct_answer from org_requesttype order by sort"
    )
    assert list(rows) == [
        ("投诉", 15, 0),
        ("咨询", 3, 1),
        ("建议", 15, 0),
        ("求助", 5, 0),
        ("举报", 15, 0),
    ]


@pytest.mark.django_db
def test_running_it_again_keeps_edits_and_adds_only_what_is_missing():
    RequestType.objects.all().delete()
    RequestType.objects.create(code="complaint", name="投诉", deadline_days=10)
    RequestType.objects.create(code="petition", name="咨询", deadline_days=2)  # renamed code
    statutory.create_missing(apps, None)
    statutory.create_missing(apps, None)
    assert dict(RequestType.objects.values_list("name", "deadline_days")) == {
        "投诉": 10,
        "咨询": 2,
        "建议": 15,
        "求助": 5,
        "举报": 15,
    }
