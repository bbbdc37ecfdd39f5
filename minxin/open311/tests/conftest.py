from __future__ import annotations

import pytest

from minxin.open311.keys import client_create
from minxin.org.models import Category

BASE = "/open311/v2"


@pytest.fixture
def key(city) -> str:  # type: ignore[no-untyped-def]
    return client_create(name="街拍随手报")[1]


@pytest.fixture
def lamp(city) -> Category:  # type: ignore[no-untyped-def]
    return Category.objects.get(name="市政设施")


def form(key: str, category: Category, **fields: str) -> dict:
    return {
        "api_key": key,
        "service_code": str(category.pk),
        "description": "路口的路灯坏了三天，晚上很黑",
        "lat": "41.805699",
        "long": "123.431472",
        **fields,
    }
