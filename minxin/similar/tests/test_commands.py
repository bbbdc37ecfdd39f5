"""`minxin similar-import` and `minxin similar-evaluate` on real messages."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minxin.similar.models import PublicCase
from minxin.similar.tests.shared_data import data_file, messages

REPLY_COLUMNS = ["id", "title", "text", "date", "reply", "reply_date"]


def _write(path: Path, rows: list[dict[str, str]], columns: list[str]) -> Path:
    # A slice of the shared file in the test's temporary folder, not in the repository.
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.django_db
def test_import_loads_every_row_once(tmp_path):
    rows = list(messages("messages-with-replies.csv")[:40])
    path = _write(tmp_path / "replies.csv", rows, REPLY_COLUMNS)
    out = StringIO()
    call_command("similar-import", "--replies", str(path), stdout=out)
    assert "created 40, updated 0" in out.getvalue()
    case = PublicCase.objects.get(source="replies", external_id=rows[0]["id"])
    assert (case.title, case.reply) == (rows[0]["title"], rows[0]["reply"])
    assert case.date is not None
    assert case.reply_date is not None
    again = StringIO()
    call_command("similar-import", "--replies", str(path), stdout=again)
    assert "created 0, updated 40" in again.getvalue()
    assert PublicCase.objects.count() == 40


@pytest.mark.django_db
def test_import_refuses_a_file_without_replies(tmp_path):
    path = _write(
        tmp_path / "plain.csv",
        list(messages("messages-unlabeled.csv")[:3]),
        ["id", "title", "text", "date"],
    )
    with pytest.raises(CommandError, match="reply"):
        call_command("similar-import", "--replies", str(path))


def test_evaluate_reports_recall_and_latency(tmp_path):
    cases = _write(
        tmp_path / "cases.csv", list(messages("messages-with-replies.csv")[:300]), REPLY_COLUMNS
    )
    padding = data_file("messages-unlabeled.csv")
    out = StringIO()
    call_command(
        "similar-evaluate",
        "--cases",
        str(cases),
        "--pad-from",
        str(padding),
        "--pad-to",
        "4000",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["n_queries"] == 300
    assert result["n_cases"] == 4000
    assert result["n_real_padding"] > 2000
    assert result["n_synthetic_padding"] > 0
    assert result["recall_at_5"] >= 0.95
    assert result["recall_at_1"] >= 0.9
    assert 0 < result["latency_ms_p50"] <= result["latency_ms_p95"]
