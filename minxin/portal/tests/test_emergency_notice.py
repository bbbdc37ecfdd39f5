"""The emergency numbers: shown while the citizen types a text that suggests danger, and on
the confirmation page; edited in the admin."""

from __future__ import annotations

import pytest

from minxin.portal.tests.helpers import base_form
from minxin.risk.models import EmergencyLine

pytestmark = pytest.mark.django_db
GAS = "家里燃气泄漏，整个楼道都是煤气味"


def notice(client, text: str) -> dict | None:  # type: ignore[no-untyped-def]
    return client.get("/submit/suggest", {"text": text}).json()["emergency"]


def test_a_gas_leak_typed_shows_the_emergency_numbers(client, city):
    shown = notice(client, GAS)
    assert shown["dangers"] == ["燃气"]
    numbers = [line["number"] for line in shown["lines"]]
    assert numbers[:3] == ["110", "119", "120"]
    assert "95598" in numbers
    assert {"name": "燃气抢修", "number": "12345", "note": "燃气泄漏、燃气味"} in shown["lines"]


@pytest.mark.parametrize(
    "text", ["他说不想活了，要跳楼", "楼上着火了，浓烟很大", "小区围墙坍塌压住了人"]
)
def test_self_harm_fire_and_collapse_show_the_numbers(client, city, text):
    assert notice(client, text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "小区电梯停运一周，物业不维修",  # nothing dangerous
        "检查后确认没有燃气泄漏，请物业解释",  # negated
        "我们几十户要集体上访",  # urgent for staff, but no reason to call 110
    ],
)
def test_an_ordinary_negated_or_petition_text_shows_no_numbers(client, city, text):
    assert notice(client, text) is None


def test_the_submission_page_has_the_alert_region_for_the_notice(client, city):
    html = client.get("/submit/").content.decode()
    assert 'data-emergency role="alert"' in html


def test_the_confirmation_page_shows_the_numbers_for_a_dangerous_request(client, city):
    client.post("/submit/", base_form(client, city, title="燃气泄漏", content=GAS))
    html = client.get("/submit/done/").content.decode()
    assert "如有危险，请立即拨打电话求助" in html
    assert 'href="tel:119"' in html
    assert "可能涉及燃气" in html


def test_the_confirmation_page_of_an_ordinary_request_shows_no_numbers(client, city):
    client.post("/submit/", base_form(client, city))
    html = client.get("/submit/done/").content.decode()
    assert "诉求已提交" in html
    assert 'href="tel:119"' not in html


def test_an_administrator_edits_the_city_lines(client, city, staff):
    EmergencyLine.objects.filter(name="燃气抢修").update(number="96177")
    EmergencyLine.objects.filter(name="心理援助").update(active=False)
    lines = notice(client, GAS)["lines"]
    assert {"name": "燃气抢修", "number": "96177", "note": "燃气泄漏、燃气味"} in lines
    assert all(line["name"] != "心理援助" for line in lines)
    client.force_login(staff["admin"])
    assert client.get("/admin/risk/emergencyline/").status_code == 200
