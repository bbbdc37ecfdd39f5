"""视频接访 in a real browser: a citizen who proved their request asks for a video session; the
centre schedules it with two units; each unit confirms on the workbench; the citizen sees the
meeting link. The citizen's page passes axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from e2e.test_flow import log_in
from minxin.core import clock
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.video.models import VideoSession

pytestmark = pytest.mark.django_db(transaction=True)


def confirm(unit, session_id: int) -> None:  # type: ignore[no-untyped-def]
    page = unit.page
    with page.expect_navigation():
        page.get_by_role("link", name="视频接访").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("小区电梯故障")).click()
    assert page.url.endswith(f"/staff/video/{session_id}/")
    with page.expect_navigation():
        page.get_by_role("button", name="确认参加").click()
    assert "已确认参加" in page.locator("main").inner_text()


def test_a_citizen_asks_the_centre_schedules_and_the_units_confirm(
    web, more_web, city, staff, settings
):
    settings.VIDEO_URL_TEMPLATE = "https://meet.example.gov.cn/minxin-{session}-{token}"
    ticket, password = submit(city)
    to_signed(ticket, staff)

    citizen = web.page
    citizen.goto(web.base + "/track/")
    citizen.get_by_label("查询码", exact=True).fill(ticket.tracking_code)
    citizen.get_by_label(re.compile("^查询密码")).fill(password or "")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="查询", exact=True).click()
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="视频接访").click()
    web.axe("video request page")
    citizen.get_by_label(re.compile("为什么需要视频接访")).fill(
        "涉及住建和和平区两个单位，希望当面说清楚"
    )
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="申请视频接访").click()
    assert "工作人员正在安排时间" in citizen.locator("main").inner_text()
    web.axe("video requested")
    session_id = VideoSession.objects.get(ticket=ticket).pk

    intake = more_web()
    log_in(intake, "intake")
    page = intake.page
    with page.expect_navigation():
        page.get_by_role("link", name="视频接访").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("小区电梯故障")).click()
    start = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(days=1)
    page.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(staff["zhujian"].unit.name, exact=True).check()
    page.get_by_label(staff["heping"].unit.name, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="安排", exact=True).click()
    assert "已安排视频接访" in page.locator("main").inner_text()
    intake.shot("video-scheduled")

    citizen.reload()
    text = citizen.locator("main").inner_text()
    assert "待确认" in text
    assert "meet.example.gov.cn" not in text  # the link once every unit confirms

    for username in ("zhujian", "heping_head"):
        unit = more_web()
        log_in(unit, username)
        confirm(unit, session_id)

    citizen.reload()
    link = citizen.locator("main a[href^='https://meet.example.gov.cn/']")
    assert link.get_attribute("href").startswith(
        f"https://meet.example.gov.cn/minxin-{session_id}-"
    )
    web.shot("video-citizen")
    web.axe("video scheduled")
