"""协办 end to end in a real browser: intake dispatches with two co-handling units, both sign
and give their opinions, the lead reads them and replies, its head approves (住建局 asks for
单位审核), the centre reviews and the citizen rates. Each person in their own browser."""

from __future__ import annotations

import pytest

from e2e.test_flow import (
    FACTS,
    PUBLIC_REPLY,
    citizen_submits,
    citizen_tracks_and_rates,
    flash,
    log_in,
    open_request,
    press,
    reviewer_approves,
)
from minxin.demo.seed import build_city
from minxin.org.models import Unit
from minxin.tickets.models import Assignment, Status, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db(transaction=True)

OPINIONS = {
    "huanbao": "已检测小区周边噪声和空气，均达标，未发现环境违法行为。",
    "heping": "已协调光明社区配合物业安排维修，社区将每周回访。",
}


@pytest.fixture
def city_db(db):  # type: ignore[no-untyped-def]
    build_city()
    Unit.objects.filter(code="zhujian").update(reply_approval=True)


def intake_dispatches_with_two_co_units(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, "intake")
    open_request(web, code)
    page.get_by_label("主办单位").select_option(value=str(Unit.objects.get(code="zhujian").pk))
    page.get_by_label("市生态环境局", exact=True).check()
    page.get_by_label("和平区", exact=True).check()
    press(web, "主办单位", "派遣")
    assert "已派遣" in flash(web)


def co_unit_signs_and_gives_its_opinion(web, code: str, unit: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, unit)
    assert page.locator("#sec-co").is_visible()  # 协办 is one of the unit's home lists
    web.axe(f"home co {unit}")
    open_request(web, code)
    web.axe(f"detail co {unit}")
    with page.expect_navigation():
        page.get_by_role("button", name="签收协办任务").click()
    assert "已签收协办任务" in flash(web)
    page.get_by_label(
        "协办意见（本单位核查了什么、做了什么；仅主办单位和受理中心可见，不向诉求人公开）"
    ).fill(OPINIONS[unit])
    with page.expect_navigation():
        page.get_by_role("button", name="提交协办意见").click()
    assert "协办意见已提交主办单位" in flash(web)
    web.shot(f"co-{unit}-opinion")


def lead_reads_the_opinions_and_replies(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, "zhujian")
    open_request(web, code)
    with page.expect_navigation():
        page.get_by_role("button", name="签收", exact=True).click()
    panel = page.locator(".co-parts").inner_text()
    for opinion in OPINIONS.values():
        assert opinion in panel
    assert page.get_by_label("先行答复的理由", exact=False).count() == 0  # every part is in
    web.axe("detail lead with co parts")
    web.shot("co-lead-panel")
    page.get_by_label("调查核实情况").fill(FACTS)
    page.get_by_label("已解决", exact=True).check()
    page.get_by_label("公开答复（审核通过后告知诉求人）").fill(PUBLIC_REPLY)
    press(web, "调查核实情况", "提交办理结果")
    assert "单位审核中" in page.locator("main").inner_text()


def unit_head_approves(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, "zhujian_head")
    assert page.locator("#sec-unit_review").is_visible()
    open_request(web, code)
    web.axe("detail unit head")
    page.get_by_label("审核意见（可选，内部）").fill("已核实，同意上报")
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过，报受理中心").click()
    assert "单位审核通过" in flash(web)


def test_co_handling_from_dispatch_to_the_citizen_s_rating(web, more_web, city_db):
    code, password = citizen_submits(web)
    intake, huanbao, heping, lead, head, reviewer = (more_web() for _ in range(6))
    intake_dispatches_with_two_co_units(intake, code)
    co_unit_signs_and_gives_its_opinion(huanbao, code, "huanbao")
    co_unit_signs_and_gives_its_opinion(heping, code, "heping")
    lead_reads_the_opinions_and_replies(lead, code)
    unit_head_approves(head, code)
    reviewer_approves(reviewer, code)
    citizen_tracks_and_rates(web, code, password)

    ticket = Ticket.objects.get(tracking_code=code.replace("-", ""))
    assert ticket.status == Status.CLOSED
    parts = Assignment.objects.filter(ticket=ticket, role="co")
    assert set(parts.values_list("status", flat=True)) == {"done"}
    steps = list(TimelineEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert steps.count("co_opinion") == 2
    assert "unit_approve" in steps
    # The co-units' opinions are the staff's: the citizen's page never shows them.
    web.page.reload()
    for opinion in OPINIONS.values():
        assert opinion not in web.page.locator("main").inner_text()
