"""SM4-GCM encryption of personal values and the keyed SM3 blind index for lookups.

A stored value reads `$SM4$<key id>$<base64 of nonce | ciphertext | tag>`. The key id in
front is what lets keys rotate: old rows stay readable under their old key until
`minxin keys rotate` re-encrypts them. GCM authenticates the value and the key id, so a
changed byte is an error, never silently wrong data.
"""

from __future__ import annotations

import base64
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from minxin.encryption.keys import data_keys, index_key

PREFIX = "$SM4$"
_NONCE = 12
_TAG = 16


class DecryptionError(ValueError):
    pass


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    """The id of the key a stored value is encrypted under; None for plaintext."""
    if not is_encrypted(value):
        return None
    return value[len(PREFIX) :].partition("$")[0]


def encrypt(plaintext: str) -> str:
    keys = data_keys()
    key_id = keys.current_id
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(keys.get(key_id)), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(key_id.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    packed = base64.b64encode(nonce + body + encryptor.tag).decode()
    return f"{PREFIX}{key_id}${packed}"


def decrypt(value: str) -> str:
    key_id, _, packed = value[len(PREFIX) :].partition("$")
    try:
        raw = base64.b64decode(packed, validate=True)
    except ValueError as exc:
        raise DecryptionError("encrypted value is not valid base64") from exc
    if len(raw) < _NONCE + _TAG:
        raise DecryptionError("encrypted value is truncated")
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(data_keys().get(key_id)), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(key_id.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError(f"encrypted value fails authentication (key {key_id!r})") from exc


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SM3 of the value: equal inputs match, and without the key nothing can be guessed
    back from it (a phone number has only ~10^10 values, so an unkeyed hash would not do)."""
    value = (value or "").strip()
    if not value:
        return ""
    mac = crypto_hmac.HMAC(index_key(), hashes.SM3())
    mac.update(f"{purpose}:{value}".encode())
    return mac.finalize().hex()


def phone_index(phone: str) -> str:
    return blind_index(phone, purpose="phone")


def blind_index_matches(value: str, digest: str, *, purpose: str) -> bool:
    return hmac.compare_digest(blind_index(value, purpose=purpose), digest or "")
