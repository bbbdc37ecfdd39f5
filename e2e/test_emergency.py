"""An emergency in a real browser: the citizen types a gas leak and is shown the emergency
numbers at once, submits, sees them again on the confirmation; within one sweep the intake
officer on duty has the alert in the inbox and an SMS in the outbox; the request's clock
runs in clock hours, and it heads the intake officer's lists."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from minxin.accounts.models import User
from minxin.core import clock
from minxin.demo.city import DEMO_PASSWORD as PASSWORD
from minxin.demo.seed import build_city
from minxin.notify.models import InboxMessage, SmsMessage
from minxin.risk import services as risk
from minxin.supervision.models import DutyShift
from minxin.supervision.sweeps import sweep
from minxin.tickets.models import Stage, Ticket
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "楼道燃气泄漏"
CONTENT = "我们单元楼道里煤气味很重，怀疑燃气泄漏，邻居家老人还在屋里，请马上派人来。"


@pytest.fixture
def city_on_duty(db):  # type: ignore[no-untyped-def]
    build_city()
    # A transactional test starts from an empty database: the lexicon and the emergency
    # lines that migrations seed are put back as they are seeded.
    for name in ("0002_seed_terms", "0004_emergency_lines"):
        importlib.import_module(f"minxin.risk.migrations.{name}").seed(apps, None)
    risk.terms.reset()
    intake = User.objects.get(username="intake")
    intake.mobile = "13900000001"
    intake.save(update_fields=["mobile"])
    now = clock.now()
    DutyShift.objects.create(
        user=intake, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=8)
    )
    return intake


def test_an_emergency_from_the_citizens_keyboard_to_the_duty_officers_phone(
    web, more_web, city_on_duty
):
    ordinary, _ = submit(build_city_dict())  # an older, ordinary request waits too
    page = web.page
    page.goto(web.base + "/submit/")
    page.get_by_label("求助").check()
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("诉求内容").fill(CONTENT)
    alert = page.locator("[data-emergency][role=alert]")
    alert.get_by_text("如有危险，请立即拨打电话求助").wait_for()
    shown = alert.inner_text()
    assert "119" in shown
    assert "110" in shown
    assert "120" in shown
    assert "燃气抢修" in shown
    assert alert.get_by_role("link", name="119 火警").get_attribute("href") == "tel:119"
    web.shot("portal-submit-emergency")
    web.axe("submit with the emergency notice")
    page.get_by_label("匿名提交").check()
    page.get_by_role("button", name="提交诉求").last.click()
    page.wait_for_url("**/submit/done/**")
    done = page.locator("main").inner_text()
    assert "如有危险，请立即拨打电话求助" in done
    assert "119" in done
    assert "查询码" in done
    web.shot("portal-submitted-emergency")
    web.axe("confirmation with the emergency numbers")

    sweep()
    ticket = Ticket.objects.exclude(pk=ordinary.pk).get()
    alert_in_inbox = InboxMessage.objects.get(event="emergency", user=city_on_duty)
    assert ticket.display_code in alert_in_inbox.text
    sms = SmsMessage.objects.get(event="emergency")
    assert sms.phone == "13900000001"
    assert sms.urgent
    assert ticket.stage == Stage.ACCEPT
    assert ticket.stage_due_at - ticket.created_at == dt.timedelta(hours=2)

    staff = more_web()
    staff.page.goto(staff.base + "/staff/login/")
    staff.page.get_by_label("用户名").fill("intake")
    staff.page.get_by_label("密码").fill(PASSWORD)
    with staff.page.expect_navigation():
        staff.page.get_by_role("button", name="登录").click()
    # The emergency heads the intake officer's home, above the older ordinary request.
    first = staff.page.locator("main a[href*='/staff/requests/']").first
    assert first.inner_text() == ticket.display_code
    staff.shot("workbench-home-emergency")
    staff.page.goto(staff.base + "/staff/inbox/")
    assert ticket.display_code in staff.page.locator("main").inner_text()
    staff.page.goto(f"{staff.base}/staff/requests/{ticket.pk}/")
    due = timezone.localtime(ticket.stage_due_at)
    text = staff.page.locator("main").inner_text()
    assert f"{due:%Y-%m-%d %H:%M}" in text
    assert "紧急诉求" in text
    staff.shot("workbench-detail-emergency")


def build_city_dict() -> dict:
    from minxin.org.models import Category, Unit

    return {
        "units": {u.code: u for u in Unit.objects.all()},
        "category": Category.objects.get(name="物业管理"),
    }
