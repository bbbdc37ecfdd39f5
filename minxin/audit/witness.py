"""An outside witness of the signed checkpoints (MINXIN_AUDIT_WITNESS).

    dir:/path            one JSON file per checkpoint, never rewritten (mount it from another
                         machine, or a write-once volume)
    db:<database URL>    a table `minxin_audit_witness` in a second database (sqlite:/// or
                         postgres://), ideally one the application's database user cannot
                         alter

Someone with write access to the application's database can delete the newest chain
entries and every checkpoint row; `minxin audit verify` compares the chain with every
checkpoint the witness holds, so cutting the tail behind a witnessed checkpoint is caught.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings

from minxin.audit.chain import iso

_TABLE = "minxin_audit_witness"
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {_TABLE} (seq BIGINT NOT NULL, hash TEXT NOT NULL, "
    "at TEXT NOT NULL, signature TEXT NOT NULL, public_key TEXT NOT NULL)"
)
# The witness databases whose table this process has made sure of (created once, committed).
_ready: set[str] = set()


def configured() -> tuple[str, str] | None:
    spec = settings.AUDIT_WITNESS
    if not spec:
        return None
    kind, _, target = spec.partition(":")
    if kind not in ("dir", "db") or not target:
        raise ValueError("MINXIN_AUDIT_WITNESS must be dir:/path or db:<database url>")
    return kind, target


def _record(checkpoint: Any) -> dict[str, Any]:
    return {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "at": iso(checkpoint.at),
        "signature": checkpoint.signature,
        "public_key": checkpoint.public_key,
    }


def write(checkpoint: Any) -> None:
    where = configured()
    if where is None:
        return
    record = _record(checkpoint)
    if where[0] == "dir":
        folder = Path(where[1])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"checkpoint-{record['seq']:012d}-{record['hash'][:16]}.json"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            return  # the same checkpoint, witnessed already
        with os.fdopen(fd, "w") as out:
            json.dump(record, out)
        return
    with _connect(where[1]) as (connection, mark):
        cursor = connection.cursor()
        cursor.execute(
            f"INSERT INTO {_TABLE} (seq, hash, at, signature, public_key) "
            f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})",
            [
                record["seq"],
                record["hash"],
                record["at"],
                record["signature"],
                record["public_key"],
            ],
        )
        connection.commit()


def read() -> list[dict[str, Any]]:
    """Every checkpoint the witness holds (an empty list when none is configured)."""
    where = configured()
    if where is None:
        return []
    if where[0] == "dir":
        folder = Path(where[1])
        return (
            [json.loads(p.read_text()) for p in sorted(folder.glob("checkpoint-*.json"))]
            if folder.is_dir()
            else []
        )
    with _connect(where[1]) as (connection, _):
        cursor = connection.cursor()
        cursor.execute(f"SELECT seq, hash, at, signature, public_key FROM {_TABLE} ORDER BY seq")
        names = ("seq", "hash", "at", "signature", "public_key")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class _connect:
    """A plain DB-API connection to the witness database, and its parameter mark."""

    def __init__(self, url: str) -> None:
        self.url, self.config = url, dj_database_url.parse(url)

    def __enter__(self) -> tuple[Any, str]:
        if self.config["ENGINE"].endswith("sqlite3"):
            import sqlite3

            self.connection: Any = sqlite3.connect(self.config["NAME"], timeout=30)
            mark = "?"
        else:
            import psycopg

            c = self.config
            self.connection = psycopg.connect(
                host=c["HOST"] or None,
                port=c["PORT"] or None,
                user=c["USER"] or None,
                password=c["PASSWORD"] or None,
                dbname=c["NAME"],
            )
            mark = "%s"
        if self.url not in _ready:
            self.connection.cursor().execute(_CREATE)
            self.connection.commit()
            _ready.add(self.url)
        return self.connection, mark

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
