"""`minxin risk-evaluate` grades real messages with the current lexicon."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from minxin.similar.tests.shared_data import data_file


@pytest.mark.django_db
def test_risk_evaluate_reports_the_level_distribution():
    out = StringIO()
    call_command(
        "risk-evaluate",
        "--messages",
        str(data_file("complaints-sample-raw.csv")),
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["n"] == 494
    assert sum(result["levels"].values()) == 494
    assert result["share"]["low"] > 0.8
    assert result["levels"]["critical"] >= 1
    assert "self_harm" in result["danger_categories"]
    assert 0 < result["ms_p50"] <= result["ms_p95"]
