"""The findings of the outside accessibility audit (issue 14), each checked in a real browser:
the form a blind or older citizen can finish in one go, contrast of focused links, a quiet
similar-cases announcement, the request-type group's states, 44 px targets, and the
tables that become cards on a phone."""

from __future__ import annotations

import re

import pytest

from minxin.portal.tests.helpers import sms_code
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "13900139000"
FOCUSABLE = "a[href], button, input, select, textarea, summary"


@pytest.fixture
def city_db(city):  # type: ignore[no-untyped-def]
    return city


def summary_items(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("[data-error-summary] li").all_inner_texts()


def send_form(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role("button", name="提交诉求").last.click()


def test_a_real_name_request_lists_every_error_at_once(web, city_db):
    page = web.page
    page.goto(web.base + "/submit/")
    send_form(page)
    listed = " ".join(summary_items(page))
    for label in ("诉求类型", "标题", "诉求内容", "姓名", "手机号码", "短信验证码"):
        assert label in listed, listed
    assert page.locator("[aria-invalid=true]").count() >= 5
    web.axe("submit, every error")

    # A wrong SMS code is named together with what else is missing, not in a later round.
    page.get_by_label("投诉").check()
    page.get_by_label("标题").fill("楼道灯坏了")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_label("短信验证码").fill("000000")
    send_form(page)
    listed = summary_items(page)
    assert [item.split("：")[0] for item in listed] == ["诉求内容", "姓名", "短信验证码"], listed


def test_focus_goes_to_the_error_summary_after_every_failed_submit(web, city_db):
    page = web.page
    page.goto(web.base + "/submit/")
    send_form(page)
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    # The citizen follows the summary to a field (the URL now ends in #id_title), fixes
    # it and submits again, with other errors left.
    page.locator("[data-error-summary] a", has_text="标题").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.keyboard.type("井盖缺失")
    send_form(page)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # any scroll to a fragment happens after load
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert page.evaluate("location.hash") == ""
    box = page.locator("[data-error-summary]").bounding_box()
    assert box is not None
    assert 0 <= box["y"] < page.viewport_size["height"]


def contrast(fg: list[float], bg: list[float]) -> float:
    def luminance(rgb: list[float]) -> float:
        parts = [c / 255 for c in rgb[:3]]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# The focused element's text colour and the first opaque background behind it.
COLOURS = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const el = document.activeElement;
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { bg = c; }
  }
  return {fg: rgb(getComputedStyle(el).color), bg: bg || [255, 255, 255],
          text: (el.innerText || el.value || '').trim().slice(0, 20), tag: el.tagName};
}"""


def focused_colours_by_tab(page) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """Every link and button reached by Tab, with its text's contrast while focused."""
    seen: list[tuple[str, float]] = []
    page.locator("body").focus()
    for _ in range(90):
        page.keyboard.press("Tab")
        found = page.evaluate(COLOURS)
        if found["tag"] not in ("A", "BUTTON"):
            continue
        if seen and seen[0][0] == found["text"]:
            break
        seen.append((found["text"], contrast(found["fg"], found["bg"])))
    return seen


@pytest.mark.parametrize("mode", ["", "contrast"])
def test_every_focused_link_and_button_keeps_its_contrast(web, city_db, mode):
    page = web.page
    page.context.add_cookies([{"name": "mx_view", "value": mode, "url": web.base}])
    page.goto(web.base + "/submit/")
    send_form(page)  # the error summary's links are on the walk too
    walk = focused_colours_by_tab(page)
    names = [text for text, _ in walk]
    assert "首页" in names
    assert "无障碍服务说明" in names
    assert any(text.startswith("标题") for text in names)
    low = [(text, round(ratio, 2)) for text, ratio in walk if ratio < 4.5]
    assert low == [], low
    web.axe(f"submit in mode {mode or 'default'}")


def ax_nodes(page) -> list[dict]:  # type: ignore[no-untyped-def]
    cdp = page.context.new_cdp_session(page)
    try:
        return cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()


def ax_state(node: dict, name: str) -> object:
    for prop in node.get("properties", []):
        if prop["name"] == name:
            return prop["value"].get("value")
    return None


def ax_named(nodes: list[dict], role: str, name: str) -> list[dict]:
    return [
        n
        for n in nodes
        if n.get("role", {}).get("value") == role and n.get("name", {}).get("value") == name
    ]


def test_the_request_type_group_is_required_and_not_invalid_before_any_input(web, city_db):
    page = web.page
    page.goto(web.base + "/submit/")
    nodes = ax_nodes(page)
    radios = [n for n in nodes if n.get("role", {}).get("value") == "radio"]
    assert radios
    invalid = [n["name"]["value"] for n in radios if ax_state(n, "invalid") not in (None, "false")]
    assert invalid == []
    group = ax_named(nodes, "radiogroup", "诉求类型")
    assert len(group) == 1
    assert ax_state(group[0], "required") is True

    send_form(page)
    group = ax_named(ax_nodes(page), "radiogroup", "诉求类型")
    assert ax_state(group[0], "invalid") == "true"
    assert "请选择诉求类型" in group[0].get("description", {}).get("value", "")


CASES = [
    {
        "id": f"case:{i}",
        "title": f"小区电梯停运第{i}例",
        "reply": "经核实，该小区电梯因主板故障停运，市场监督管理局已责成物业公司更换部件并"
        "经特种设备检验机构检测合格后恢复运行，同时要求物业建立二十四小时报修响应机制。" * 2,
        "date": "2026-05-0" + str(i),
    }
    for i in (1, 2, 3)
]

# Speech synthesis that records what it is asked to say (headless Chromium has no voice).
FAKE_SPEECH = """
window.__spoken = [];
const fake = {speak: u => window.__spoken.push(u.text), cancel: () => {},
              getVoices: () => [], addEventListener: () => {}};
Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def test_similar_cases_are_announced_once_in_a_few_words(web, city_db, monkeypatch):
    monkeypatch.setattr("minxin.portal.views.submit.cases_like", lambda q: CASES)
    page = web.page
    page.add_init_script(FAKE_SPEECH)
    page.context.add_cookies([{"name": "mx_view", "value": "voice", "url": web.base}])
    page.goto(web.base + "/submit/")
    page.get_by_label("投诉").focus()  # 语音导航 says the group is required
    spoken = page.evaluate("window.__spoken")
    assert "诉求类型" in spoken[-1]
    assert "必填" in spoken[-1]
    page.get_by_label("标题").fill("电梯停运")
    page.get_by_label("诉求内容").press_sequentially("三号楼电梯停了一周", delay=40)
    page.locator(".similar-list li").nth(2).wait_for()
    page.wait_for_timeout(2500)  # past any pause before the announcement
    # The cases themselves are not in a live region: only a short status is.
    assert page.locator("[aria-live] .similar-list, [role=status] .similar-list").count() == 0
    status = page.locator("[data-similar-status]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text().startswith("找到3条")
    spoken = page.evaluate("window.__spoken")
    about_cases = [s for s in spoken if "案例" in s or "类似问题" in s or "主板" in s]
    assert len(about_cases) == 1, spoken
    assert len(about_cases[0]) <= 30, about_cases
    # More typing that finds the same cases says nothing again.
    page.get_by_label("诉求内容").press_sequentially("，无人维修", delay=40)
    page.wait_for_timeout(2500)
    spoken = page.evaluate("window.__spoken")
    assert len([s for s in spoken if "案例" in s]) == 1, spoken
    web.axe("submit with similar cases")


def verify_phone_in_browser(web) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/track/")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(sms_code(PHONE))
    with page.expect_navigation():
        page.get_by_role("button", name="验证并查看我的诉求").click()
    assert page.url.endswith("/track/mine/")


def too_small(page, selector: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    small = []
    for handle in page.locator(selector).all():
        if not handle.is_visible():
            continue
        box = handle.bounding_box()
        if box["width"] < 44 or box["height"] < 44:
            small.append((handle.inner_text().strip(), round(box["width"]), round(box["height"])))
    return small


def test_targets_are_at_least_44_px(web, city_db):
    city = city_db
    submit(city, phone=PHONE)
    verify_phone_in_browser(web)
    page = web.page
    checked = {
        "/track/mine/": ".view-tools button, .site-nav a, .site-footer a, .signout button",
        "/track/": ".signout button",
        "/submit/": ".verified button, .brand",
    }
    for path, selector in checked.items():
        page.goto(web.base + path)
        assert page.locator(selector).count() >= 1, path
        assert too_small(page, selector) == [], path
    assert page.get_by_role("button", name="更换手机号").is_visible()
    page.goto(web.base + "/track/")
    assert page.get_by_role("button", name=re.compile("退出查询")).is_visible()


def test_my_requests_become_cards_on_a_phone(web, city_db):
    city = city_db
    submit(city, phone=PHONE, title="光明小区三号楼电梯停运一周物业推脱不修老人上下楼困难")
    submit(city, phone=PHONE, title="文化路十二号小区门口井盖缺失")
    verify_phone_in_browser(web)
    page = web.page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(web.base + "/track/mine/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    cells = page.locator(".table tbody tr").first.locator("td, th")
    for i in range(cells.count()):
        cell = cells.nth(i)
        label = cell.evaluate("c => getComputedStyle(c, '::before').content")
        assert label.startswith(f'"{cell.get_attribute("data-label")}"'), label
        box = cell.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 375
    assert page.locator(".table thead").evaluate("h => getComputedStyle(h).position") == "absolute"
    web.shot("portal-track-mine-phone")
    web.axe("my requests on a phone")
    # Nothing scrolls sideways with large text either, nor on the form.
    page.context.add_cookies([{"name": "mx_view", "value": "large", "url": web.base}])
    for path in ("/track/mine/", "/submit/", "/track/"):
        page.goto(web.base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path


def test_the_chinese_error_pages_are_accessible(web, city_db, monkeypatch):
    page = web.page
    response = page.goto(web.base + "/no-such-page/")
    assert response.status == 404
    assert "页面不存在" in page.locator("main").inner_text()
    web.axe("404")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("minxin.portal.views.pages.render", broken)
    response = page.goto(web.base + "/")
    assert response.status == 500
    assert "系统暂时出错" in page.locator("main").inner_text()
    web.axe("500")


def test_a_real_name_citizen_tracks_by_code_and_sms_in_the_browser(web, city_db, settings):
    ticket, _ = submit(city_db, phone=PHONE, title="文化路路灯不亮")
    page = web.page
    page.goto(web.base + "/track/")
    page.get_by_role("textbox", name="查询码").fill(ticket.display_code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).click()
    assert "实名提交的不用查询密码" in page.locator("[data-error-summary]").inner_text()
    web.axe("track, real name without password")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(sms_code(PHONE))
    with page.expect_navigation():
        page.get_by_role("button", name="验证并查看我的诉求").click()
    assert page.url.endswith(f"/track/{ticket.tracking_code}/")
    assert "文化路路灯不亮" in page.locator("h1").inner_text()

    settings.DEMO_MODE = True  # the demo's SMS inbox, a table too
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(web.base + "/demo/sms/")
    assert page.locator(".table--cards tbody tr").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    web.axe("demo SMS inbox on a phone")
