"""Where the data keys come from: the environment or a key file, never the database.

    MINXIN_DATA_KEYS="k2:<32 hex>,k1:<32 hex>"   SM4 keys, the first one is current
    MINXIN_DATA_KEYS_FILE=/run/secrets/data-keys  the same text (commas or new lines)
    MINXIN_INDEX_KEY=<64 hex>                     HMAC-SM3 key of the blind indexes
    MINXIN_INDEX_KEY_FILE=/run/secrets/index-key

With nothing configured (development, tests, the demo) keys are derived from SECRET_KEY
and a warning is logged; `manage.py check --deploy` warns too. Parsed keys are cached per
process, keyed by the configuration, so encrypting a field costs no key derivation.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings

logger = logging.getLogger("minxin.privacy")

DEV_KEY_ID = "dev"
_KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class KeyConfigError(RuntimeError):
    pass


@dataclass(frozen=True)
class DataKeys:
    current_id: str
    keys: dict[str, bytes]
    derived: bool

    def get(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyConfigError(
                f"data key {key_id!r} is not configured (MINXIN_DATA_KEYS); keep old keys "
                "listed until `minxin keys rotate --commit` has finished") from None


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


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
    return _parse_data_keys(_configured("MINXIN_DATA_KEYS"), settings.SECRET_KEY)


def index_key() -> bytes:
    return _parse_index_key(_configured("MINXIN_INDEX_KEY"), settings.SECRET_KEY)


def keys_are_derived() -> bool:
    return not _configured("MINXIN_DATA_KEYS") or not _configured("MINXIN_INDEX_KEY")


@lru_cache(maxsize=8)
def _parse_data_keys(text: str, secret_key: str) -> DataKeys:
    if not text:
        logger.warning("MINXIN_DATA_KEYS is not set: personal data is encrypted with a key "
                       "derived from SECRET_KEY (development only)")
        key = sm3(b"minxin-dev-data-key:" + secret_key.encode())[:16]
        return DataKeys(current_id=DEV_KEY_ID, keys={DEV_KEY_ID: key}, derived=True)
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
    return DataKeys(current_id=next(iter(keys)), keys=keys, derived=False)


@lru_cache(maxsize=8)
def _parse_index_key(text: str, secret_key: str) -> bytes:
    if not text:
        logger.warning("MINXIN_INDEX_KEY is not set: blind indexes use a key derived from "
                       "SECRET_KEY (development only)")
        return sm3(b"minxin-dev-index-key:" + secret_key.encode())
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise KeyConfigError("MINXIN_INDEX_KEY must be at least 32 hex digits")
    return key
