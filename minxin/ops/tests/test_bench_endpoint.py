"""The benchmark-only insert endpoint (`ops.bench`): a 404 unless switched on, one row a call
when on."""

from __future__ import annotations

import pytest
from django.test import override_settings

from minxin.ops.models import BenchRow

pytestmark = pytest.mark.django_db


def test_off_by_default_writes_nothing(client):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/bench/insert", "{}", content_type="application/json")
    assert response.status_code == 404
    assert not BenchRow.objects.exists()


@override_settings(BENCH_ENDPOINTS=True)
def test_on_writes_one_row_per_call(client):  # type: ignore[no-untyped-def]
    first = client.post("/api/v1/bench/insert", "{}", content_type="application/json")
    second = client.post("/api/v1/bench/insert", "{}", content_type="application/json")
    assert first.status_code == second.status_code == 201
    assert BenchRow.objects.count() == 2
    assert second.json()["id"] > first.json()["id"]
