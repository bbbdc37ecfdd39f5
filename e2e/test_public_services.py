"""The public services in a real browser: staff nominate and publish a typical case, a citizen
finds and reads it; every public page passes axe."""

from __future__ import annotations

import pytest

from e2e.test_flow import log_in, press
from minxin.publicinfo.tests.helpers import closed_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_publishes_a_case_and_a_citizen_finds_it(web, more_web, city, staff):
    ticket = closed_ticket(city, staff)
    reviewer = more_web()
    log_in(reviewer, "reviewer")
    page = reviewer.page
    page.goto(f"{reviewer.base}/staff/requests/{ticket.pk}/")
    press(reviewer, "推荐理由（可选）", "推荐为典型案例")
    assert "/staff/public/cases/" in page.url
    assert "13812345678" in page.locator("main").inner_text()  # what was masked, for review
    reviewer.shot("public-case-review")
    page.get_by_label("我已逐项核对，文中不含姓名、电话、证件号码、车牌和详细地址").check()
    with page.expect_navigation():
        page.get_by_role("button", name="公开本案例").click()
    assert "案例已公开" in page.locator("main").inner_text()

    citizen = web.page
    citizen.goto(web.base + "/")
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="典型案例库").click()
    web.axe("case library")
    citizen.get_by_label("关键词").fill("烧烤 噪音")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="查找").click()
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="楼下烧烤店夜间噪音扰民").click()
    text = citizen.locator("main").inner_text()
    assert "办理情况" in text
    assert "答复" in text
    assert "13812345678" not in text
    assert "张伟" not in text
    web.shot("public-case")
    web.axe("case page")


def test_a_unit_publishes_a_guide_and_a_citizen_finds_it_and_answers(web, more_web, city, staff):
    unit = more_web()
    log_in(unit, "zhujian")
    page = unit.page
    page.goto(unit.base + "/staff/public/guides/new/")
    unit.axe("guide form")
    for label, value in [
        ("事项名称", "房屋维修资金申请"),
        ("适用情形", "住宅共用部位维修需要使用维修资金"),
        ("所需材料（每行一项）", "申请表\n业主大会决议"),
        ("办理步骤（每行一步）", "物业提出方案\n业主表决\n提交申请"),
        ("办理时限", "10个工作日"),
        ("办理地点", "市住建局政务大厅"),
        ("办公时间", "工作日 9:00-17:00"),
        ("咨询电话", "12345"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("办理单位").select_option(label=staff["zhujian"].unit.name)
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert "办事指南已保存" in page.locator("main").inner_text()

    citizen = web.page
    citizen.goto(web.base + "/")
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="办事指南与便民信息").click()
    web.axe("guides")
    citizen.get_by_label("关键词").fill("维修资金")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="查找").click()
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="房屋维修资金申请").first.click()
    assert "业主大会决议" in citizen.locator("main").inner_text()
    web.axe("guide")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="有帮助").click()
    assert "感谢您的反馈" in citizen.locator("main").inner_text()
    assert citizen.get_by_role("button", name="有帮助").count() == 0
    citizen.goto(web.base + "/search/?q=维修资金")
    web.axe("search")
    assert citizen.get_by_role("link", name="房屋维修资金申请").count() == 1


def test_the_assistant_cites_or_says_it_does_not_know_and_hands_over(web, city, staff):
    from minxin.publicinfo.guides import guide_save
    from minxin.publicinfo.models import Guide

    guide = Guide(
        title="居住证办理",
        unit=staff["zhujian"].unit,
        summary="在本市居住半年以上的非本市户籍人员可以申领居住证",
        materials="居民身份证\n照片",
        steps="申报\n领取",
        time_limit="15个工作日",
        office="派出所户籍窗口",
        hours="工作日",
        contact="12345",
    )
    guide_save(user=staff["zhujian"], guide=guide)
    page = web.page
    page.goto(web.base + "/services/assistant/")
    web.axe("assistant")
    page.get_by_label("您的问题").fill("居住证怎么办理？")
    with page.expect_navigation():
        page.get_by_role("button", name="提问").click()
    assert page.get_by_role("link", name="居住证办理").count() == 1
    web.axe("assistant answer")
    page.get_by_label("您的问题").fill("火星上能种土豆吗")
    with page.expect_navigation():
        page.get_by_role("button", name="提问").click()
    assert "没有找到" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="转为咨询诉求").click()
    assert page.get_by_label("标题").input_value() == "火星上能种土豆吗"
    assert page.get_by_label("咨询").is_checked()
