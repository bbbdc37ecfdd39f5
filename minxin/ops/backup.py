"""Backup and restore of a whole installation: the database's rows, the uploaded files, and
a check that the keys in the environment open the data.

    DIR/manifest.json    what was written: format, time, migrations, row counts per model,
                         SHA-256 of every file, and a key probe (see below)
    DIR/data.mxjsonl.gz  every row, as `dumpdata` writes them (one JSON object a line,
                         streamed; times to the microsecond, ops/serializer.py);
                         encrypted fields stay ciphertext
    DIR/media/…          the uploaded files (photos, attachments)

The keys never go into a backup: a stolen backup without them reveals no personal data. The
manifest's key probe is a value encrypted and a phone number's blind index made at backup
time; restore opens the probe before it loads anything, so keys that do not match stop the
restore with a clear message instead of failing half way.

Restore goes into an empty database (no requests, staff, units or chain entries; restore runs
`migrate` first and clears what migrations put in), in one transaction, then copies the files
and runs the audit chain's verification.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from minxin.core import clock

FORMAT = 1
DATA = "data.mxjsonl.gz"
# Rebuilt by `migrate` or not worth keeping: content types and permissions come from the
# code, sessions are logins, not records.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
PROBE_TEXT = "minxin-backup-probe"
PROBE_PHONE = "13000000000"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese and English."""


@dataclass
class Restored:
    rows: int
    files: int
    audit_ok: bool
    audit_summary: str


def backup(target: Path) -> dict[str, Any]:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"目录不为空，不会覆盖 / {target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        format="mxjsonl",
        output=str(target / DATA),
        verbosity=0,
    )
    files = {DATA: _sha256(target / DATA)}
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        for path in sorted(p for p in media.rglob("*") if p.is_file()):
            relative = path.relative_to(media).as_posix()
            copy = target / "media" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files[f"media/{relative}"] = _sha256(copy)
    manifest = {
        "format": FORMAT,
        "created_at": clock.now().isoformat(),
        "database": connection.vendor,
        "migrations": _migrations(),
        "rows": _row_counts(),
        "files": files,
        "key_probe": _key_probe(),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def restore(source: Path) -> Restored:
    manifest = _read_manifest(source)
    _check_files(source, manifest)
    _check_keys(manifest["key_probe"])
    call_command("migrate", interactive=False, verbosity=0)
    missing = set(manifest["migrations"]) - set(_migrations())
    if missing:
        raise BackupError(
            f"备份来自更新的版本，缺少迁移 / the backup needs migrations this code lacks: "
            f"{sorted(missing)[:5]}"
        )
    _require_empty()
    # What migrations put in (default request types, templates...) is in the backup as it
    # was then; clear it so the backup's rows land as they were.
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        call_command("loaddata", str(source / DATA), verbosity=0)
    rows = _row_counts()
    if rows != manifest["rows"]:
        differ = {
            k: (manifest["rows"].get(k), rows.get(k)) for k in set(rows) | set(manifest["rows"])
        }
        differ = {k: v for k, v in differ.items() if v[0] != v[1]}
        raise BackupError(f"恢复的行数与备份不符 / row counts differ after restore: {differ}")
    files = _copy_media(source, manifest)
    from minxin.audit.verify import chain_verify

    report = chain_verify()
    summary = (
        f"{report.entries} entries up to #{report.head_seq}, {report.records} witnessed rows"
        if report.ok
        else "; ".join(report.problems[:3])
    )
    return Restored(sum(rows.values()), files, report.ok, summary)


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"读不到备份清单 / cannot read {source}/manifest.json: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 / unknown backup format {manifest.get('format')!r}")
    return manifest


def _check_files(source: Path, manifest: dict[str, Any]) -> None:
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"备份缺少文件 / missing from the backup: {name}")
        if _sha256(path) != digest:
            raise BackupError(f"备份文件已损坏或被改动 / changed or damaged: {name}")


def _key_probe() -> dict[str, str]:
    from minxin.encryption.crypto import encrypt, phone_index

    return {"ciphertext": encrypt(PROBE_TEXT), "phone_index": phone_index(PROBE_PHONE)}


def _check_keys(probe: dict[str, str]) -> None:
    from minxin.encryption.crypto import decrypt, phone_index

    try:
        opened = decrypt(probe["ciphertext"])
    except Exception as exc:  # noqa: BLE001 - any failure to open means the wrong keys
        raise BackupError(
            "环境中的数据密钥打不开这份备份 / the data keys in the environment do not open "
            f"this backup (MINXIN_DATA_KEYS): {exc}"
        ) from exc
    if opened != PROBE_TEXT:
        raise BackupError("数据密钥不符 / the data keys do not match this backup")
    if phone_index(PROBE_PHONE) != probe["phone_index"]:
        raise BackupError(
            "环境中的索引密钥与备份不符，手机号将查不到 / the index key in the environment "
            "(MINXIN_INDEX_KEY) is not the one this backup was made with"
        )


# An installation's own records; a database holding any of them is not restored over.
RECORDS = ["tickets.ticket", "accounts.user", "org.unit", "audit.chainentry"]


def _require_empty() -> None:
    counts = _row_counts()
    filled = [label for label in RECORDS if counts.get(label)]
    if filled:
        raise BackupError(
            "只能恢复到空数据库 / restore goes into an empty database; these already hold "
            f"rows: {', '.join(filled[:8])}"
        )


def _copy_media(source: Path, manifest: dict[str, Any]) -> int:
    media = Path(settings.MEDIA_ROOT)
    copied = 0
    for name in manifest["files"]:
        if not name.startswith("media/"):
            continue
        destination = media / name.removeprefix("media/")
        if destination.exists() and _sha256(destination) != manifest["files"][name]:
            raise BackupError(f"目标已有不同的文件 / a different file is already at {destination}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, destination)
        copied += 1
    return copied


def _row_counts() -> dict[str, int]:
    excluded_apps = {e for e in EXCLUDED if "." not in e}
    excluded_models = {e for e in EXCLUDED if "." in e}
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label in excluded_models:
            continue
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[label] = model._default_manager.count()
    return counts


def _migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
