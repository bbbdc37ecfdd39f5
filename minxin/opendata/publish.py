"""Write the day's open-data files to storage and point `latest.json` at them.

Files go under `opendata/<day>/` in the default storage (MEDIA_ROOT, or whatever storage
the deployment configures, so every node serves the same files); the manifest is replaced
last, so a download never sees half a release. Releases older than KEEP_DAYS go.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.core.files import File
from django.core.files.storage import default_storage

from minxin.analytics.public import threshold
from minxin.core import clock
from minxin.opendata.exchange import exchange
from minxin.opendata.records import FIELDS, records

ROOT = "opendata"
MANIFEST = f"{ROOT}/latest.json"
KEEP_DAYS = 7
FILES = ("requests.csv", "requests.json", "exchange.json")


def _csv_value(value: object) -> object:
    return {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else value


def _write_records(folder: Path, day: dt.date, rows: Iterator[dict[str, Any]]) -> int:
    """Both formats in one pass over the rows (each row's title is redacted once)."""
    head = {
        "format": "minxin-open-requests/1",
        "as_of": day.isoformat(),
        "generated_at": clock.now().isoformat(),
        "suppressed_below": threshold(),
        "fields": FIELDS,
    }
    count = 0
    # The CSV with a BOM: the spreadsheet programs city staff use read UTF-8 only so.
    with (
        (folder / "requests.csv").open("w", encoding="utf-8-sig", newline="") as csv_out,
        (folder / "requests.json").open("w", encoding="utf-8") as json_out,
    ):
        writer = csv.DictWriter(csv_out, fieldnames=FIELDS)
        writer.writeheader()
        json_out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',"records":[')
        for row in rows:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
            json_out.write(("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False))
            count += 1
        json_out.write("\n]}\n")
    return count


def _store(name: str, path: Path) -> dict[str, Any]:
    if default_storage.exists(name):
        default_storage.delete(name)
    with path.open("rb") as f:
        default_storage.save(name, File(f, name=path.name))
    return {"path": name, "bytes": path.stat().st_size, "sm3": _sm3_of(path)}


def _sm3_of(path: Path) -> str:
    digest = hashes.Hash(hashes.SM3())
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.finalize().hex()


def opendata_publish(day: dt.date | None = None) -> dict[str, Any]:
    """Publish the release as of DAY (today): requests submitted before it. The manifest."""
    day = day or clock.today()
    files: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        count = _write_records(work, day, records(day))
        (work / "exchange.json").write_text(
            json.dumps(exchange(day), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        for name in FILES:
            files[name] = _store(f"{ROOT}/{day.isoformat()}/{name}", work / name)
    manifest = {
        "as_of": day.isoformat(),
        "generated_at": clock.now().isoformat(),
        "records": count,
        "files": files,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "latest.json"
        path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _store(MANIFEST, path)
    _prune(day)
    return manifest


def latest() -> dict[str, Any] | None:
    if not default_storage.exists(MANIFEST):
        return None
    with default_storage.open(MANIFEST) as f:
        manifest: dict[str, Any] = json.loads(f.read())
    return manifest


def _prune(day: dt.date) -> None:
    oldest = day - dt.timedelta(days=KEEP_DAYS)
    folders, _ = default_storage.listdir(ROOT)
    for folder in folders:
        try:
            old = dt.date.fromisoformat(folder) < oldest
        except ValueError:
            continue
        if old:
            for name in default_storage.listdir(f"{ROOT}/{folder}")[1]:
                default_storage.delete(f"{ROOT}/{folder}/{name}")
