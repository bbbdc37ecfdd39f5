"""Signing and sealing what travels between cities, with the city's SM2 key.

The key pair is the one the audit trail signs checkpoints with (`audit.signing`,
`MINXIN_SM2_PRIVATE_KEY`): one key per city. Every message body is signed as it is sent;
the citizen's contact inside a transfer is also sealed (SM2 public-key encryption, GB/T
32918.4, C1‖C3‖C2) to the receiving city's public key, so only that city can read it.
gmssl's own encryption draws its nonce from `random` (predictable, which would give away the
plaintext), so encryption is done here with a nonce from `secrets` on gmssl's curve maths.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from gmssl import sm3
from gmssl.sm2 import CryptSM2, default_ecc_table

from minxin.audit.signing import sign, signature_valid, signing_key

# Signed together with the body, so a signature over a message can never pass for an audit
# checkpoint's (the same key signs both) or the other way round.
DOMAIN = b"minxin-crosscity-v1\n"
_N = int(default_ecc_table["n"], 16)
_LEN = 64  # hex digits of one coordinate


class SealError(ValueError):
    pass


def canonical(obj: dict[str, Any]) -> bytes:
    """The one byte form of a message: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def our_public_key() -> str:
    return signing_key().public_hex


def sign_body(body: bytes) -> str:
    signature, _ = sign(DOMAIN + body)
    return signature


def body_signed_by(public_hex: str, *, body: bytes, signature: str) -> bool:
    return signature_valid(public_hex=public_hex, signature=signature, message=DOMAIN + body)


def _curve() -> CryptSM2:
    return CryptSM2(private_key="", public_key="")


def seal(plaintext: bytes, public_hex: str) -> str:
    """SM2-encrypt to the holder of `public_hex`: hex of C1 (x‖y) ‖ C3 (SM3) ‖ C2."""
    curve = _curve()
    while True:
        k = secrets.randbelow(_N - 1) + 1
        c1 = curve._kg(k, default_ecc_table["g"])
        shared = curve._kg(k, public_hex)
        mask = sm3.sm3_kdf(shared.encode(), len(plaintext))
        if not plaintext or int(mask, 16):
            break
    c2 = bytes(a ^ b for a, b in zip(plaintext, bytes.fromhex(mask), strict=True))
    c3 = sm3.sm3_hash(list(bytes.fromhex(shared[:_LEN]) + plaintext + bytes.fromhex(shared[_LEN:])))
    return c1 + c3 + c2.hex()


def _on_curve(point_hex: str) -> bool:
    p, a, b = (int(default_ecc_table[k], 16) for k in ("p", "a", "b"))
    x, y = int(point_hex[:_LEN], 16), int(point_hex[_LEN:], 16)
    return 0 <= x < p and 0 <= y < p and (y * y - x * x * x - a * x - b) % p == 0


def unseal(sealed_hex: str) -> bytes:
    """The plaintext of a message sealed to our key; SealError when it was not, or was altered."""
    try:
        data = bytes.fromhex(sealed_hex)
    except ValueError:
        raise SealError("not hex") from None
    if len(data) < 97:
        raise SealError("too short")
    c1, c3, c2 = data[:64].hex(), data[64:96].hex(), data[96:]
    if not _on_curve(c1):  # a point off the curve would leak bits of our key
        raise SealError("bad point")
    try:
        shared = _curve()._kg(int(signing_key().private_hex, 16), c1)
    except (ValueError, TypeError, ZeroDivisionError):
        raise SealError("bad point") from None
    if not shared:
        raise SealError("bad point")
    mask = bytes.fromhex(sm3.sm3_kdf(shared.encode(), len(c2)))
    plaintext = bytes(a ^ b for a, b in zip(c2, mask, strict=True))
    check = sm3.sm3_hash(
        list(bytes.fromhex(shared[:_LEN]) + plaintext + bytes.fromhex(shared[_LEN:]))
    )
    if not secrets.compare_digest(check, c3):
        raise SealError("integrity check failed")
    return plaintext
