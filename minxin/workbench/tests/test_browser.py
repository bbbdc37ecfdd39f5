"""The workbench in a real browser (Debian's Chromium): axe finds no serious accessibility
violations, nothing loads from another host, and intake works by keyboard alone."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import PASSWORD
from minxin.workbench.tests.helpers import new_ticket

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    foreign: list[str] = []
    host = urlparse(live_server.url).hostname

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if urlparse(request.url).hostname == host or request.url.startswith("data:"):
            route.continue_()
        else:
            foreign.append(request.url)
            route.abort()

    page.route(re.compile(".*"), guard)
    page.base = live_server.url
    yield page
    context.close()
    assert foreign == [], f"requests to other hosts: {foreign}"


def axe(page, name: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workbench-{name}.png"), full_page=True)
    rules = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
    found = Axe().run(page, options={"resultTypes": ["violations"], "runOnly": rules})
    bad = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in found.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    assert bad == [], f"{name}: {bad}"


def log_in_by_keyboard(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base + "/staff/login/")
    # The username field has autofocus: type once the browser has applied it.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(page.base + "/staff/")
    page.keyboard.press("Tab")
    assert "跳" in page.evaluate("document.activeElement.textContent")  # skip link first


def test_pages_pass_axe_and_intake_dispatches_by_keyboard(page, city, staff):
    ticket = new_ticket(city)
    page.goto(page.base + "/staff/login/")
    axe(page, "login")
    log_in_by_keyboard(page, "intake")
    axe(page, "home-intake")
    page.goto(f"{page.base}/staff/requests/{ticket.pk}/")
    axe(page, "detail")
    page.get_by_label("主办单位").focus()  # the suggested unit is preselected
    page.get_by_role("button", name="派遣", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已派遣" in page.locator("main").inner_text()
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"
    assert ticket.lead_unit.code == "heping"
    page.goto(page.base + "/staff/search/?q=电梯")
    axe(page, "search")


def test_errors_are_announced_and_focused(page, city, staff):
    ticket = new_ticket(city)
    log_in_by_keyboard(page, "intake")
    page.goto(f"{page.base}/staff/requests/{ticket.pk}/")
    page.get_by_text("不予受理", exact=True).first.click()  # open its <details>
    # Blank passes the browser's `required` check; the server still refuses it.
    page.get_by_label("不予受理的理由（将告知诉求人）").fill("   ")
    page.get_by_role("button", name="不予受理").click()
    page.wait_for_url("**/reject/")
    assert "请填写不予受理的理由" in page.locator("main").inner_text()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    axe(page, "detail-error")


def log_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the fields by label: no race with the username field's autofocus."""
    page.goto(page.base + "/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url == page.base + "/staff/", page.locator("main").inner_text()


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()


def test_supervision_inbox_oversight_and_record_pages_pass_axe(page, city, staff):
    from minxin.supervision import services as sup
    from minxin.tickets import services as svc
    from minxin.tickets.models import OversightShare
    from minxin.tickets.tests.helpers import as_staff, to_signed

    supervised = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=supervised.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
    )
    order = sup.supervision_open(
        ticket_id=supervised.pk, actor=as_staff(staff["supervisor"]), note="请说明处理进度"
    )
    handled = to_signed(new_ticket(city, title="楼道灯不亮"), staff)
    svc.ticket_reply(
        ticket_id=handled.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="已修复",
    )
    svc.ticket_approve(ticket_id=handled.pk, actor=as_staff(staff["reviewer"]))
    OversightShare.objects.create(ticket=handled, member=staff["oversight"])
    from minxin.risk.models import TicketInsight

    TicketInsight.objects.filter(ticket=supervised).update(risk_level="critical")

    log_in(page, "supervisor")
    assert page.locator("#sec-risk").is_visible()  # 风险预警 heads the page
    axe(page, "home-supervisor")
    for path, name in [
        ("/staff/supervision/", "orders"),
        (f"/staff/supervision/{order.pk}/", "order-supervisor"),
        (f"/staff/requests/{handled.pk}/", "detail-share"),
        ("/staff/units/", "units"),
        (f"/staff/units/{staff['zhujian'].unit_id}/record/", "unit-record"),
    ]:
        page.goto(page.base + path)
        axe(page, name)
    log_out(page)

    log_in(page, "zhujian")
    page.goto(page.base + "/staff/inbox/")
    axe(page, "inbox")
    page.goto(f"{page.base}/staff/supervision/{order.pk}/")
    page.get_by_label("书面回复（整改措施和结果）").fill("已督促物业维修")
    with page.expect_navigation():
        page.get_by_role("button", name="提交督办回复").click()
    assert "督办回复已提交" in page.locator("main").inner_text()
    axe(page, "order-responded")
    log_out(page)

    log_in(page, "oversight")
    page.goto(f"{page.base}/staff/requests/{handled.pk}/")
    axe(page, "detail-evaluate")
