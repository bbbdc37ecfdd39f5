"""Where the data keys come from: the environment or a key file, never the database.

    MINXIN_DATA_KEYS="k2:<32 hex>,k1:<32 hex>"   SM4 keys, the first one is current
    MINXIN_DATA_KEYS_FILE=/run/secrets/data-keys  the same text (commas or new lines)
    MINXIN_INDEX_KEY=<64 hex>                     HMAC-SM3 key of the blind indexes
    MINXIN_INDEX_KEY_FILE=/run/secrets/index-key

Nothing is ever derived from a constant: outside development a process does not start
without these (settings, `minxin.core.devkeys`); in development, the demo and tests they are
random values generated once per install under the data directory, and
`manage.py check --deploy` reports an error while they are in use. Parsed keys are cached
per process, keyed by the configuration, so encrypting a field costs no key parsing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeyConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class DataKeys:
    current_id: str
    keys: dict[str, bytes]

    def get(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyConfigError(
                f"data key {key_id!r} is not configured (MINXIN_DATA_KEYS); keep old keys "
                "listed until `minxin keys rotate --commit` has finished"
            ) from None


def _configured(name: str) -> str:
    """The value of NAME, or the contents of the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE", "")
    return _read_file(path) if path else os.environ.get(name, "").strip()


@lru_cache(maxsize=8)
def _read_file(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise KeyConfigError(f"cannot read key file {path}: {exc}") from exc


def data_keys() -> DataKeys:
    return _parse_data_keys(_configured("MINXIN_DATA_KEYS"))


def index_key() -> bytes:
    return _parse_index_key(_configured("MINXIN_INDEX_KEY"))


def development_keys_in_use() -> list[str]:
    """The key settings still holding this install's generated development values."""
    generated = getattr(settings, "DEVELOPMENT_KEYS", {})
    return [
        name
        for name, value in generated.items()
        if name != "SECRET_KEY" and _configured(name) == value
    ]


@lru_cache(maxsize=8)
def _parse_data_keys(text: str) -> DataKeys:
    if not text:
        raise KeyConfigError("MINXIN_DATA_KEYS is not set")
    keys: dict[str, bytes] = {}
    for item in re.split(r"[,\s]+", text):
        if not item:
            continue
        key_id, _, hex_key = item.partition(":")
        if not _KEY_ID_RE.match(key_id) or key_id in keys:
            raise KeyConfigError(f"bad or repeated data key id {key_id!r}")
        try:
            key = bytes.fromhex(hex_key)
        except ValueError:
            key = b""
        if len(key) != 16:
            raise KeyConfigError(f"data key {key_id!r} must be 32 hex digits (SM4-128)")
        keys[key_id] = key
    if not keys:
        raise KeyConfigError("MINXIN_DATA_KEYS lists no keys")
    return DataKeys(current_id=next(iter(keys)), keys=keys)


@lru_cache(maxsize=8)
def _parse_index_key(text: str) -> bytes:
    if not text:
        raise KeyConfigError("MINXIN_INDEX_KEY is not set")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise KeyConfigError("MINXIN_INDEX_KEY must be at least 32 hex digits")
    return key
