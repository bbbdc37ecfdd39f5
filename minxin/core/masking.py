"""Contacts as staff lists and admin pages show them, masked: 138****5678, 张**. The full
value is shown only through a recorded reveal (privacy)."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else ("*" * len(phone))


def mask_name(name: str) -> str:
    return (name[0] + "*" * max(1, len(name) - 1)) if name else ""
