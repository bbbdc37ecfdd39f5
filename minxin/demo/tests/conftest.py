"""The demo's files (the open-data release the seed makes) go to each test's own folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
