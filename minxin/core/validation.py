"""Checks of staff and citizen input shared by the services."""

from __future__ import annotations

from minxin.core.errors import ValidationFailed


def check_text(value: str, *, field: str, label: str, max_length: int = 5000) -> str:
    """The stripped text, or a ValidationFailed naming the field in Chinese."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", code="required", field=field)
    if len(value) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}字", code="too_long", field=field)
    return value
