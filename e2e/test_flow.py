"""The proof of issue 3: one request from an anonymous citizen's submission to 已办结, every
step taken in a real browser by the person whose job it is, each in their own browser
context (their own cookies), with a screenshot of every page and axe on the main
workbench pages. And a workbench action (签收) done with the keyboard alone."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from minxin.accounts.models import User
from minxin.demo.city import DEMO_PASSWORD as PASSWORD
from minxin.demo.seed import build_city
from minxin.org.models import Unit
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.services import ticket_dispatch
from minxin.tickets.submission import Submission, ticket_submit

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "小区电梯停运一周物业不修"
CONTENT = "光明小区3号楼电梯本月已经停运一周，物业只贴了通知不安排维修，老人上下楼非常困难，请督促物业尽快修复。"
FACTS = "经现场核实，3号楼电梯主板损坏，已责成物业公司更换并经特检机构检测合格。"
PUBLIC_REPLY = "您反映的电梯故障已修复并通过检测，物业公司已书面承诺今后24小时内响应报修。"


@pytest.fixture
def city_db(db):  # type: ignore[no-untyped-def]
    build_city()


def log_in(web, username: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    assert page.url == web.base + "/staff/", page.locator("main").inner_text()


def open_request(web, code: str) -> None:  # type: ignore[no-untyped-def]
    """From the role's home page, follow the request's tracking code."""
    with web.page.expect_navigation():
        web.page.get_by_role("link", name=code).first.click()
    assert re.search(r"/staff/requests/\d+/$", web.page.url)


def press(web, form_field: str, button: str) -> None:  # type: ignore[no-untyped-def]
    """Press `button` in the form that holds the field labelled `form_field`, and wait for
    the page that answers."""
    page = web.page
    form = page.locator("form").filter(has=page.get_by_label(form_field, exact=True))
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()


def flash(web) -> str:  # type: ignore[no-untyped-def]
    return web.page.get_by_role("status").first.inner_text()


def citizen_submits(web) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/submit/")
    web.shot("flow-01-citizen-submit")
    page.get_by_label("投诉").check()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("诉求内容").fill(CONTENT)
    page.get_by_label("问题分类").select_option(label="物业管理")
    page.get_by_label("详细地址").fill("光明小区3号楼")
    page.get_by_label("匿名提交").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交诉求").last.click()
    assert "/submit/done/" in page.url, page.locator("main").inner_text()
    web.shot("flow-02-citizen-submitted")
    code = page.locator("#tracking-code").inner_text().strip()
    password = page.locator("#query-password").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)
    assert re.fullmatch(r"\d{6}", password)
    return code, password


def intake_dispatches(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/staff/login/")
    web.shot("flow-03-staff-login")
    log_in(web, "intake")
    web.shot("flow-04-intake-home")
    web.axe("home intake")
    open_request(web, code)
    web.shot("flow-05-intake-detail")
    web.axe("detail intake")
    bureau = Unit.objects.get(name="市住房和城乡建设局")
    page.get_by_label("主办单位").select_option(value=str(bureau.pk))
    press(web, "主办单位", "派遣")
    assert "已派遣" in flash(web)
    assert "已派遣待签收" in page.locator("main").inner_text()
    web.shot("flow-06-intake-dispatched")
    page.goto(f"{web.base}/staff/search/?code={code}")
    assert page.get_by_role("link", name=code).count() == 1
    web.shot("flow-07-intake-search")
    web.axe("search")
    # The list's Excel export is a streamed download; the browser receives the whole file.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("导出Excel")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [code]


def unit_signs_and_replies(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, "zhujian")
    # The dispatch reached the unit's inbox: the header counts it as unread.
    assert re.search(
        r"站内消息\s*1\s*条未读", page.get_by_role("navigation", name="主导航").inner_text()
    )
    web.shot("flow-08-handler-home")
    web.axe("home handler")
    open_request(web, code)
    web.axe("detail handler")
    with page.expect_navigation():
        page.get_by_role("button", name="签收", exact=True).click()
    assert "已签收" in flash(web)
    web.shot("flow-09-handler-signed")
    page.get_by_label("调查核实情况").fill(FACTS)
    page.get_by_label("已解决", exact=True).check()
    page.get_by_label("公开答复（审核通过后告知诉求人）").fill(PUBLIC_REPLY)
    press(web, "调查核实情况", "提交办理结果")
    assert "办理结果已提交审核" in flash(web)
    web.shot("flow-10-handler-replied")


def reviewer_approves(web, code: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    log_in(web, "reviewer")
    web.shot("flow-11-reviewer-home")
    web.axe("home reviewer")
    open_request(web, code)
    assert PUBLIC_REPLY in page.locator("main").inner_text()
    web.axe("detail reviewer")
    page.get_by_label("审核意见（可选）").fill("答复完整，同意公开")
    press(web, "审核意见（可选）", "审核通过并公开答复")
    assert "审核通过，答复已公开" in flash(web)
    web.shot("flow-12-reviewer-approved")


def citizen_tracks_and_rates(web, code: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page = web.page
    page.goto(web.base + "/track/")
    web.shot("flow-13-citizen-track")
    page.get_by_label("查询码", exact=True).fill(code)
    page.get_by_label(re.compile("^查询密码")).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="查询", exact=True).click()
    text = page.locator("main").inner_text()
    assert PUBLIC_REPLY in text, text
    assert "已答复待评价" in text, text
    web.shot("flow-14-citizen-tracks")
    web.axe("track with reply")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价意见").fill("维修及时，谢谢")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    assert "已办结" in page.locator("main").inner_text()
    web.shot("flow-15-citizen-rated")
    web.axe("track closed")


def test_a_request_travels_from_citizen_to_closed(web, more_web, city_db):
    code, password = citizen_submits(web)
    intake, handler, reviewer = more_web(), more_web(), more_web()
    intake_dispatches(intake, code)
    unit_signs_and_replies(handler, code)
    reviewer_approves(reviewer, code)
    citizen_tracks_and_rates(web, code, password)

    ticket = Ticket.objects.get(tracking_code=code.replace("-", ""))
    assert ticket.status == Status.CLOSED
    assert ticket.satisfaction == "satisfied"
    assert ticket.lead_unit.name == "市住房和城乡建设局"
    # The workbench tells the same story: closed, with every step on the timeline.
    intake.page.goto(f"{intake.base}/staff/requests/{ticket.pk}/")
    text = intake.page.locator("main").inner_text()
    assert "已办结" in text
    for step in ("提交诉求", "派遣", "签收", "提交办理结果", "审核通过并公开答复", "评价"):
        assert step in text, step
    intake.shot("flow-16-intake-closed")


def focused(web) -> str:  # type: ignore[no-untyped-def]
    return web.page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.tagName + ' ' + (e.textContent || e.value || '').trim(); })()"
    )


def tab_to(web, wanted: str, limit: int = 120) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element is `wanted` ("BUTTON 签收"): a keyboard user's
    only way around the page."""
    for _ in range(limit):
        web.page.keyboard.press("Tab")
        if focused(web) == wanted:
            return
    raise AssertionError(f"never reached {wanted!r} with Tab; last: {focused(web)}")


def test_the_unit_signs_with_the_keyboard_alone(web, city_db):
    ticket, _ = ticket_submit(
        data=Submission(request_type="complaint", title=TITLE, content=CONTENT, anonymous=True),
        actor=Actor(),
    )
    ticket_dispatch(
        ticket_id=ticket.pk,
        actor=Actor.staff(User.objects.get(username="intake")),
        lead_unit_id=Unit.objects.get(code="zhujian").pk,
    )
    page = web.page
    page.goto(web.base + "/staff/login/")
    # The username field has autofocus: type once the browser has applied it.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type("zhujian")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(web, f"A {ticket.display_code}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(web, "BUTTON 签收")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已签收" in flash(web)
    ticket.refresh_from_db()
    assert ticket.status == Status.SIGNED
    web.shot("flow-keyboard-signed")
