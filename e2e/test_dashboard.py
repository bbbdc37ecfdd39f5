"""The dashboard as each role that reads it, its drill-down and the public figures, in
Chromium: the charts draw from the platform's own ECharts, and axe finds nothing serious."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from minxin.analytics.tests.conftest import month, rolled  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MARCH = "from=2026-03-01&to=2026-03-31"


def log_in(web, username: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("leader", "统计分析 · 全市"),
        ("supervisor", "统计分析 · 全市"),
        ("zhujian_head", "统计分析 · 市住房和城乡建设局"),
    ],
)
def test_each_reader_opens_the_dashboard(web, rolled, username, heading):  # noqa: F811
    log_in(web, username)
    page = web.page
    # The home leads there.
    with page.expect_navigation():
        page.locator("#h-dashboard + p a").click()
    assert page.url.startswith(web.base + "/staff/dashboard/")
    page.goto(f"{web.base}/staff/dashboard/?{MARCH}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("#table-trend tbody tr").count() == 31
    web.shot(f"dashboard-{username}")
    web.axe(f"dashboard {username}")
    with page.expect_navigation():
        page.locator("#table-summary a").first.click()
    assert "/staff/dashboard/requests/" in page.url
    assert page.locator("main table tbody tr").count() >= 1
    web.axe(f"drill-down {username}")


def test_the_public_figures_page(web, rolled):  # noqa: F811
    page = web.page
    page.goto(f"{web.base}/stats/?{MARCH}")
    assert page.get_by_role("heading", level=1).inner_text() == "数据公开"
    page.wait_for_selector("#chart-types canvas")
    assert "少于5件，不公开" in page.locator("main").inner_text()
    web.shot("stats-public")
    web.axe("public figures")
