"""Tracking codes (查询码): random, short enough to read aloud, with a check character.

Ten characters from a 30-symbol alphabet without look-alikes (no 0/O, 1/I/L, U): nine
random ones (about 44 bits, so codes cannot be guessed or enumerated) and one Luhn
mod-30 check character that catches every single typo and most swaps of neighbours.
Shown as XXXXX-XXXXX; input is accepted in any case, with or without the dash.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_N = len(ALPHABET)
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
RANDOM_LENGTH = 9


def check_character(body: str) -> str:
    """Luhn mod N over the alphabet."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return ALPHABET[(_N - total % _N) % _N]


def new_tracking_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_character(body)


def normalise(raw: str) -> str | None:
    """The canonical code for what a citizen typed, or None if it cannot be one."""
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != RANDOM_LENGTH + 1 or any(c not in _INDEX for c in code):
        return None
    return code if check_character(code[:-1]) == code[-1] else None


def display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_query_password() -> str:
    return f"{secrets.randbelow(10**6):06d}"
