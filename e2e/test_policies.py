"""政策直通车 in a real browser: a unit head publishes an explanation with a PDF and revises it;
a citizen finds it, reads it and asks; the unit answers; the citizen reads the answer. Every
public page passes axe."""

from __future__ import annotations

import pytest

from e2e.test_flow import log_in, press
from minxin.publicinfo.tests.test_policies import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_head_explains_a_policy_and_a_citizen_asks_about_it(
    web, more_web, city, staff, tmp_path
):
    head = more_web()
    log_in(head, "zhujian_head")
    page = head.page
    with page.expect_navigation():
        page.get_by_role("link", name="政策直通车").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="发布政策解读").click()
    page.get_by_label("政策名称").fill("公积金租房提取新规")
    page.get_by_label("一句话说明").fill("租房提取公积金不再需要备案证明")
    page.get_by_label("解读（通俗说明）").fill(
        "从明年起，无房职工租房提取公积金只需身份证和银行卡。"
    )
    page.get_by_label("解读单位").select_option(label=staff["zhujian_head"].unit.name)
    fake = tmp_path / "原文.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page.get_by_label("添加附件", exact=False).set_input_files(str(fake))
    with page.expect_navigation():
        page.get_by_role("button", name="发布").click()
    assert "与文件名不符" in page.locator("main").inner_text()
    real = tmp_path / "政策原文.pdf"
    real.write_bytes(PDF)
    page.get_by_label("添加附件", exact=False).set_input_files(str(real))
    with page.expect_navigation():
        page.get_by_role("button", name="发布").click()
    assert "第1版" in page.locator("main").inner_text()
    page.get_by_label("解读（通俗说明）").fill("从明年1月起，无房职工租房提取公积金只需身份证。")
    page.get_by_label("修改说明").fill("简化材料")
    with page.expect_navigation():
        page.get_by_role("button", name="保存为新版本").click()
    assert "第2版" in page.locator("main").inner_text()
    head.shot("policy-staff")

    citizen = web.page
    citizen.goto(web.base + "/")
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="政策直通车").click()
    web.axe("policy list")
    citizen.get_by_label("关键词").fill("公积金")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="查找").click()
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="公积金租房提取新规").click()
    text = citizen.locator("main").inner_text()
    assert "只需身份证。" in text
    assert "政策原文.pdf" in text
    web.axe("policy page")
    citizen.get_by_label("我要提问", exact=False).fill("个体户也能租房提取吗？")
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="提交问题").click()
    assert "审核并答复后" in citizen.locator("main").inner_text()
    assert "个体户也能" not in citizen.locator("article").inner_text()
    web.axe("policy page after asking")

    page.reload()
    page.get_by_label("答复（公开时必填）").fill("灵活就业人员按缴存地规定办理。")
    press(head, "答复（公开时必填）", "答复并公开")
    assert "问题已公开" in page.locator("main").inner_text()

    citizen.reload()
    text = citizen.locator("main").inner_text()
    assert "个体户也能租房提取吗" in text
    assert "灵活就业人员按缴存地规定办理" in text
    web.shot("policy-public")
    web.axe("policy page with answers")
