"""Secrets at startup: required outside development, generated per install inside it.

Outside DEBUG and the demo (and the test suite) every process refuses to start unless
SECRET_KEY, MINXIN_DATA_KEYS and MINXIN_INDEX_KEY are set (or their `_FILE` variants),
naming what is missing. In development, the demo and tests, whatever is missing is taken
from `<data dir>/dev-keys.json`: random values generated once for this install (never a
constant in the code), put into this process's environment, so the key modules and any
child process read them exactly as they would read real keys. `manage.py check --deploy`
reports an error while any of them is in use (`privacy.E001`).

Imported by settings, so it must not import Django's settings itself.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("SECRET_KEY", "MINXIN_DATA_KEYS", "MINXIN_INDEX_KEY")
# Not required to start (only the worker signs checkpoints), but generated for development.
OPTIONAL = ("MINXIN_SM2_PRIVATE_KEY",)
FILE_NAME = "dev-keys.json"


def is_set(name: str) -> bool:
    return bool(os.environ.get(name, "").strip() or os.environ.get(f"{name}_FILE", "").strip())


def missing() -> list[str]:
    return [name for name in REQUIRED if not is_set(name)]


def _generate() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MINXIN_DATA_KEYS": f"dev:{secrets.token_hex(16)}",
        "MINXIN_INDEX_KEY": secrets.token_hex(32),
        # Below the SM2 group order: the top bit is cleared.
        "MINXIN_SM2_PRIVATE_KEY": f"{secrets.randbits(255) | 1:064x}",
    }


def load_or_create(data_dir: Path) -> dict[str, str]:
    """This install's development secrets; two processes starting at once agree on them."""
    path = data_dir / FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(_generate(), out)
        try:
            os.link(tmp, path)  # atomic, and fails if another process won the race
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    keys: dict[str, str] = json.loads(path.read_text())
    return keys


def ensure(*, data_dir: Path, development: bool) -> dict[str, str]:
    """Check the secrets; in development fill in the missing ones. Returns those filled."""
    absent = missing()
    if not development:
        if absent:
            raise ImproperlyConfigured(
                "Refusing to start without " + ", ".join(absent) + " (set them, or their "
                "_FILE variants; `minxin keys generate` prints fresh values; see "
                "docs/security.md). Development keys are used only with DEBUG=1 or "
                "MINXIN_DEMO=1."
            )
        return {}
    generated = load_or_create(data_dir)
    filled = {name: generated[name] for name in (*REQUIRED, *OPTIONAL) if not is_set(name)}
    os.environ.update(filled)
    return filled
