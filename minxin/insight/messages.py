"""The public message files the evaluation commands read (id, title, text, date[, likes,
category]): the 2020 Teddy Cup data in ../shared/data, or a city's own export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from minxin.insight.topics import Doc


def read_messages(paths: list[Path]) -> list[tuple[Doc, str]]:
    """Each dated message once (by id, the first file wins) with its category ('' if the
    file has none), oldest first. A missing file or column stops with a clear error."""
    seen: dict[str, tuple[Doc, str]] = {}
    for path in paths:
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"id", "title", "date"} - set(reader.fieldnames or [])
            if missing:
                raise CommandError(f"{path} 缺少列：{'、'.join(sorted(missing))}")
            for row in reader:
                at = _moment(row["date"])
                key = str(row["id"]).strip()
                if at is None or not key or key in seen:
                    continue
                doc = Doc(
                    key, row["title"] or "", row.get("text") or "", at, _int(row.get("likes"))
                )
                seen[key] = (doc, (row.get("category") or "").strip())
    return sorted(seen.values(), key=lambda pair: (pair[0].at, pair[0].id))


def _moment(raw: str | None) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat((raw or "").strip().replace("/", "-"))
    except ValueError:
        return None
    return timezone.make_aware(at) if timezone.is_naive(at) else at


def _int(raw: str | None) -> int:
    try:
        return max(0, int(float(raw or 0)))
    except ValueError:
        return 0
