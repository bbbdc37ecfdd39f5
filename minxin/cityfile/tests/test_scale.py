"""Ten thousand units load in bulk: seconds, not minutes."""

from __future__ import annotations

import time

import pytest

from minxin.cityfile.tests.helpers import UNIT_HEADER, load, workbook
from minxin.org.models import Unit

pytestmark = pytest.mark.django_db


def test_ten_thousand_units_load_in_seconds(tmp_path):
    rows = [["city", "市", "市级受理中心", None]]
    for d in range(100):
        rows.append([f"d{d}", f"区{d}", "区县", "city"])
        rows += [[f"d{d}s{s}", f"区{d}街道{s}", "街道/乡镇", f"d{d}"] for s in range(99)]
    path = workbook(tmp_path / "big.xlsx", {"单位": [UNIT_HEADER, *rows]})
    started = time.perf_counter()
    loaded = load(path)
    took = time.perf_counter() - started
    assert not loaded.problems
    assert Unit.objects.count() == 10_001
    street = Unit.objects.get(code="d42s7")
    assert street.path == f"/{Unit.objects.get(code='city').pk}/{street.parent_id}/{street.pk}/"
    print(f"10,001 units imported in {took:.1f} s")
    assert took < 60, took
