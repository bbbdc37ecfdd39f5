"""HMAC-SM3 and HMAC-SHA256 over a message, as lower-case hex: the one signing helper of
the interfaces that sign calls (city events in, webhooks out). SM3 (GB/T 32905) comes from
`cryptography`, which the encryption app already uses for the blind index."""

from __future__ import annotations

import hmac as std_hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac

SM3 = "hmac-sm3"
SHA256 = "hmac-sha256"
ALGORITHMS = {SM3: hashes.SM3, SHA256: hashes.SHA256}


def mac(algorithm: str, key: bytes, message: bytes) -> str:
    signer = crypto_hmac.HMAC(key, ALGORITHMS[algorithm]())
    signer.update(message)
    return signer.finalize().hex()


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def mac_matches(algorithm: str, key: bytes, message: bytes, signature: str) -> bool:
    """Compared in constant time; an unknown algorithm never matches."""
    if algorithm not in ALGORITHMS:
        return False
    return std_hmac.compare_digest(mac(algorithm, key, message), signature.lower())
