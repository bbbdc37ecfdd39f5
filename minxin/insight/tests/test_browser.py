"""The hot-spot and ranking pages in Chromium: axe finds no serious violation, nothing loads from another
host (the map is the server's own SVG)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from minxin.core import clock
from minxin.insight.hotspots import snapshot_take
from minxin.insight.ranking import ranking_compute
from minxin.insight.tests.helpers import request, shared
from minxin.insight.tests.test_ranking import MAY, may  # noqa: F401
from minxin.workbench.tests.test_browser import axe, log_in_by_keyboard, page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_hotspot_page_passes_axe(page, city, staff):  # noqa: F811
    call_command("city-geojson", str(shared("shenyang-districts.geojson")))
    for i in range(4):
        request(city, f"道路积水{i}", f"文化路雨后道路积水严重，车辆无法通行{i}")
    snapshot_take()
    clock.freeze(clock.now() + dt.timedelta(days=7))  # a whole week to forecast from
    call_command("insight-refresh")
    call_command("analytics", "refresh")
    log_in_by_keyboard(page, "supervisor")
    page.goto(page.base + "/staff/hotspots/?period=this_year")
    assert page.locator("svg path").count() == 13
    assert page.locator("#chart-forecast-0 canvas").count() == 1  # drawn by ECharts
    axe(page, "hotspots")
    page.goto(page.base + "/staff/hotspots/?from=2024-05-01&to=2024-04-01")
    assert page.get_by_role("alert").inner_text().strip() == "结束日期不能早于开始日期"
    axe(page, "hotspots-bad-period")


def test_the_ranking_pages_pass_axe(page, may, staff):  # noqa: F811
    ranking_compute(month=MAY)
    log_in_by_keyboard(page, "supervisor")
    page.goto(page.base + "/staff/ranking/?month=2024-05")
    axe(page, "ranking-draft")
    page.get_by_role("button", name="审核无误，发布").click()
    page.wait_for_url("**/staff/ranking/?month=2024-05")
    assert "已发布" in page.get_by_role("status").inner_text()
    page.goto(page.base + "/stats/ranking/")
    assert page.get_by_role("heading", name="红榜").is_visible()
    axe(page, "ranking-public")
    page.goto(page.base + "/stats/ranking/?month=2024-13")
    assert "年-月" in page.get_by_role("alert").inner_text()
    axe(page, "ranking-public-bad-month")
