"""The real citizen messages in ../shared/data, read in place (never copied into the repo)."""

from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    return Path(os.environ.get("MINXIN_SHARED_DATA") or REPO.parent / "shared" / "data")


def data_file(name: str) -> Path:
    """The path of a shared data file; the test is skipped if the data is not there."""
    path = data_dir() / name
    if not path.is_file():
        pytest.skip(f"real data not found: {path} (set MINXIN_SHARED_DATA to its folder)")
    return path


@lru_cache(maxsize=8)
def _rows(path: Path) -> tuple[dict[str, str], ...]:
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def messages(name: str) -> tuple[dict[str, str], ...]:
    return _rows(data_file(name))


def message(name: str, message_id: str) -> dict[str, str]:
    return next(row for row in messages(name) if row["id"] == message_id)
