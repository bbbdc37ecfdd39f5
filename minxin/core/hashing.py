"""Keyed hashes for short secrets (query passwords, SMS codes).

A six-digit secret has only a million values, so a slow password hash would not stop an
offline search; a key the database does not hold does. HMAC-SHA256 under SECRET_KEY is
also fast enough that submissions are not held up by hashing.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_hash(value: str, *, purpose: str) -> str:
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def keyed_hash_matches(value: str, digest: str, *, purpose: str) -> bool:
    return hmac.compare_digest(keyed_hash(value, purpose=purpose), digest or "")
