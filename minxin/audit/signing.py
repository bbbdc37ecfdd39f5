"""SM2 signatures for checkpoints (gmssl), with the key pair from the environment.

    MINXIN_SM2_PRIVATE_KEY=<64 hex>  (or MINXIN_SM2_PRIVATE_KEY_FILE)
    MINXIN_SM2_TRUSTED_KEYS=<public key hex>,...  earlier public keys, still trusted

With no key configured (development, tests, the demo) the key is derived from SECRET_KEY
and a warning is logged. gmssl's own nonce comes from `random`, which is predictable, and a
predictable SM2 nonce gives away the private key; this module draws it from `secrets`.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from gmssl.sm2 import CryptSM2, default_ecc_table

from minxin.audit.chain import sm3_hex

logger = logging.getLogger("minxin.audit")

_N = int(default_ecc_table["n"], 16)


class SigningKeyError(RuntimeError):
    pass


@dataclass(frozen=True)
class SigningKey:
    private_hex: str
    public_hex: str  # 128 hex digits, x || y, without the 04 prefix
    derived: bool


def _engine(private_hex: str, public_hex: str) -> CryptSM2:
    engine = CryptSM2(private_key=private_hex, public_key="")
    # Set after construction: CryptSM2 strips a "04" prefix with lstrip("04"), which also
    # eats leading 0s and 4s of the key itself.
    engine.public_key = public_hex
    return engine


def signing_key() -> SigningKey:
    path = os.environ.get("MINXIN_SM2_PRIVATE_KEY_FILE", "")
    text = (
        Path(path).read_text().strip()
        if path
        else os.environ.get("MINXIN_SM2_PRIVATE_KEY", "").strip()
    )
    return _signing_key(text, settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _signing_key(text: str, secret_key: str) -> SigningKey:
    if text:
        try:
            private = int(text, 16)
        except ValueError:
            private = 0
        if not 1 <= private < _N - 1:
            raise SigningKeyError("MINXIN_SM2_PRIVATE_KEY must be 64 hex digits in range")
    else:
        logger.warning(
            "MINXIN_SM2_PRIVATE_KEY is not set: checkpoints are signed with a key "
            "derived from SECRET_KEY (development only)"
        )
        private = int(sm3_hex("minxin-dev-sm2:" + secret_key), 16) % (_N - 2) + 1
    private_hex = f"{private:064x}"
    public_hex = _engine(private_hex, "")._kg(private, default_ecc_table["g"])
    return SigningKey(private_hex=private_hex, public_hex=public_hex, derived=not text)


def sign(message: bytes) -> tuple[str, str]:
    """(signature r||s hex, public key hex) of the message under the configured key."""
    key = signing_key()
    engine = _engine(key.private_hex, key.public_hex)
    while True:
        nonce = f"{secrets.randbelow(_N - 1) + 1:064x}"
        signature = engine.sign_with_sm3(message, nonce)
        if signature:
            return signature, key.public_hex


def signature_valid(*, public_hex: str, signature: str, message: bytes) -> bool:
    try:
        r, s = int(signature[:64], 16), int(signature[64:], 16)
        int(public_hex, 16)
    except ValueError:
        return False
    if len(signature) != 128 or len(public_hex) != 128 or not (0 < r < _N and 0 < s < _N):
        return False
    try:
        return bool(_engine("", public_hex).verify_with_sm3(signature, message))
    except (ValueError, TypeError, IndexError):
        return False


def trusted_public_keys() -> set[str]:
    earlier = os.environ.get("MINXIN_SM2_TRUSTED_KEYS", "")
    keys = {
        k.strip().lower().removeprefix("04") if len(k.strip()) == 130 else k.strip().lower()
        for k in earlier.split(",")
        if k.strip()
    }
    return keys | {signing_key().public_hex}
