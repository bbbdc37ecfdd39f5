"""The hot-spot page in Chromium: axe finds no serious violation, nothing loads from another
host (the map is the server's own SVG)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from minxin.insight.hotspots import snapshot_take
from minxin.insight.tests.helpers import request, shared
from minxin.workbench.tests.test_browser import axe, log_in_by_keyboard, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_hotspot_page_passes_axe(page, city, staff):  # noqa: F811
    call_command("city-geojson", str(shared("shenyang-districts.geojson")))
    for i in range(4):
        request(city, f"道路积水{i}", f"文化路雨后道路积水严重，车辆无法通行{i}")
    snapshot_take()
    log_in_by_keyboard(page, "supervisor")
    page.goto(page.base + "/staff/hotspots/")
    assert page.locator("svg path").count() == 13
    axe(page, "hotspots")
    page.goto(page.base + "/staff/hotspots/?from=2024-05-01&to=2024-04-01")
    assert page.get_by_role("alert").inner_text().strip() == "结束日期不能早于开始日期"
    axe(page, "hotspots-bad-period")
