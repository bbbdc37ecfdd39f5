"""Fixtures for the portal's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Photos land in a throwaway folder, never in the developer's media directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
