"""Citizens in a real browser: every portal page passes axe; submission works by keyboard."""

from __future__ import annotations

import sys
import types

import pytest

from minxin.demo.seed import build_city

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city_db(db):  # type: ignore[no-untyped-def]
    build_city()


def fill_submission(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("投诉").check()
    page.get_by_label("标题").fill("中华路路灯一周不亮")
    page.get_by_label("诉求内容").fill(
        "中华路与南京街交口往北约200米，路灯连续一周晚上不亮，行人很不安全。"
    )
    page.get_by_label("详细地址").fill("和平区中华路")
    page.get_by_label("匿名提交").check()


def test_every_portal_page_is_accessible_and_local(web, city_db):
    page = web.page
    for path, name in [
        ("/", "home"),
        ("/submit/", "submit"),
        ("/track/", "track"),
        ("/accessibility/", "accessibility"),
    ]:
        page.goto(web.base + path)
        web.shot(f"portal-{name}")
        web.axe(name)
    page.goto(web.base + "/submit/")
    page.get_by_role("button", name="提交诉求").last.click()
    assert page.locator("[aria-invalid=true]").count() >= 1
    web.shot("portal-submit-errors")
    web.axe("submit with errors")


def test_an_anonymous_citizen_submits_and_gets_a_code_and_password(web, city_db):
    page = web.page
    page.goto(web.base + "/submit/")
    fill_submission(page)
    page.get_by_role("button", name="提交诉求").last.click()
    page.wait_for_url("**/submit/done/**")
    text = page.locator("main").inner_text()
    assert "查询密码" in text
    assert "前办结" in text
    web.shot("portal-submitted")
    web.axe("submitted")


def test_submission_works_with_the_keyboard_alone(web, city_db):
    page = web.page
    page.goto(web.base + "/submit/")
    page.keyboard.press("Tab")  # the skip link comes first
    focused = page.evaluate("document.activeElement.textContent")
    assert "跳" in focused
    page.get_by_label("投诉").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("小区门口井盖缺失")
    page.keyboard.press("Tab")
    page.keyboard.type("文化路12号小区门口的井盖丢了三天，晚上很危险，请尽快处理。")
    page.get_by_label("匿名提交").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="提交诉求").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/submit/done/**")
    assert "查询码" in page.locator("main").inner_text()


def test_category_suggestions_appear_as_the_citizen_types(web, city_db, monkeypatch):
    fake = types.ModuleType("minxin.nlp")  # the live server runs in this process
    fake.predict_category = lambda text, k=3: [
        ("城乡建设/物业管理", 0.997),
        ("交通运输/公交出行", 0.06),
        ("商贸旅游/消费维权", 0.002),
    ]
    fake.predict_categories = lambda texts, k=3: [fake.predict_category(t, k) for t in texts]
    monkeypatch.setitem(sys.modules, "minxin.nlp", fake)
    page = web.page
    page.goto(web.base + "/submit/")
    page.get_by_label("标题").fill("小区电梯经常坏，物业不修")
    page.get_by_label("诉求内容").fill("电梯这个月坏了三次，老人上下楼很困难，物业公司一直推脱。")
    best = page.get_by_role("button", name="城乡建设 / 物业管理（最可能）")
    best.wait_for()
    chips = page.locator("[data-suggest-list] button").all_inner_texts()
    assert "交通运输 / 公交出行" in chips
    assert not any("消费维权" in c or "%" in c for c in chips)
    best.click()
    assert (
        page.get_by_label("问题分类")
        .evaluate("s => s.options[s.selectedIndex].text")
        .endswith("物业管理")
    )
    web.axe("submit with suggestions")


def test_large_text_and_high_contrast_persist(web, city_db):
    page = web.page
    page.goto(web.base + "/")
    before = page.evaluate("getComputedStyle(document.body).fontSize")
    page.get_by_role("button", name="大字").first.click()
    page.goto(web.base + "/track/")
    after = page.evaluate("getComputedStyle(document.body).fontSize")
    assert float(after.rstrip("px")) > float(before.rstrip("px"))
    web.shot("portal-track-large-text")
    web.axe("track large text")


def test_the_api_docs_page_loads_nothing_from_outside(web, city_db):
    web.page.goto(web.base + "/api/v1/docs")
    web.page.wait_for_selector(".swagger-ui")
    web.shot("api-docs")
