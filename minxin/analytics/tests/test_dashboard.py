"""The dashboard as each role reads it, its drill-down, exports and the monthly report."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from minxin.analytics import panels
from minxin.analytics.tests.walk import at
from minxin.workbench.tests.helpers import as_user

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.mark.parametrize("role", ["leader", "supervisor", "admin"])
def test_the_city_roles_read_the_city(client, staff, rolled, role):  # type: ignore[no-untyped-def]
    page = as_user(client, staff[role]).get(f"/staff/dashboard/?{MARCH}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "统计分析 · 全市" in text
    assert "2026-03-01 至 2026-03-31受理6件，办结4件，按期办结率75.0%，满意率100.0%" in text
    assert "和平区" in text  # by district


def test_a_unit_head_reads_their_unit_only(client, staff, rolled):  # type: ignore[no-untyped-def]
    page = as_user(client, staff["zhujian_head"]).get(f"/staff/dashboard/?{MARCH}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "统计分析 · 市住房和城乡建设局" in text
    assert "受理2件，办结2件" in text
    assert "市生态环境局" not in text


@pytest.mark.parametrize("role", ["zhujian", "intake", "reviewer", "oversight"])
def test_other_roles_are_refused(client, staff, role):  # type: ignore[no-untyped-def]
    assert as_user(client, staff[role]).get("/staff/dashboard/").status_code == 403


def test_a_visitor_is_sent_to_log_in(client, city):  # type: ignore[no-untyped-def]
    assert client.get("/staff/dashboard/").status_code == 302


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-03-31&to=2026-03-01", "结束日期不能早于开始日期"),
        ("from=2000-01-01&to=2020-01-01", "统计期间最长三年"),
        ("district=999999", "区县不存在"),
        ("district=abc", "区县的取值无效"),
        ("type=nosuch", "诉求类型不存在"),
    ],
)
def test_bad_input_gets_a_clear_400(client, staff, query, message):  # type: ignore[no-untyped-def]
    page = as_user(client, staff["leader"]).get(f"/staff/dashboard/?{query}")
    assert page.status_code == 400
    assert message in page.content.decode()


def test_every_number_leads_to_its_requests(client, staff, rolled):  # type: ignore[no-untyped-def]
    leader = as_user(client, staff["leader"])
    listed = leader.get(f"/staff/dashboard/requests/?figure=closed&{MARCH}")
    assert listed.status_code == 200
    codes = {t.display_code for t in listed.context["rows"]}
    assert codes >= {rolled["on_time"].display_code, rolled["late"].display_code}
    assert len(codes) == 4
    on_time = leader.get(f"/staff/dashboard/requests/?figure=on_time&{MARCH}").context["rows"]
    assert rolled["late"].display_code not in {t.display_code for t in on_time}
    assert len(on_time) == 3
    dashboard = leader.get(f"/staff/dashboard/?{MARCH}").content.decode()
    assert "/staff/dashboard/requests/?figure=closed" in dashboard


def test_a_drill_down_lists_newest_closings_first_without_a_query_a_row(client, staff, rolled):  # type: ignore[no-untyped-def]
    leader = as_user(client, staff["leader"])
    with CaptureQueriesContext(connection) as seen:
        listed = leader.get(f"/staff/dashboard/requests/?figure=closed&{MARCH}")
    rows = listed.context["rows"]
    closings = [(t.closed_at, t.pk) for t in rows]
    assert len(rows) == 4
    assert closings == sorted(closings, reverse=True)
    assert not [q for q in seen.captured_queries if 'FROM "org_category"' in q["sql"]]
    late = rolled["late"]
    late.refresh_from_db()
    assert str(late.category) in listed.content.decode()  # "parent/leaf", from the join


def test_a_unit_head_cannot_drill_into_another_unit(client, staff, rolled):  # type: ignore[no-untyped-def]
    head = as_user(client, staff["zhujian_head"])
    other = staff["huanbao"].unit_id
    page = head.get(f"/staff/dashboard/requests/?figure=closed&{MARCH}&unit={other}")
    assert page.status_code == 404
    mine = head.get(f"/staff/dashboard/requests/?figure=closed&{MARCH}").context["rows"]
    assert {t.display_code for t in mine} == {
        rolled["on_time"].display_code,
        rolled["reopened"].display_code,
    }


@pytest.mark.parametrize(
    "key", ["summary", "now", "trend", "type", "category", "district", "channel", "unit"]
)
def test_every_table_exports_to_excel(client, staff, rolled, key):  # type: ignore[no-untyped-def]
    response = as_user(client, staff["leader"]).get(f"/staff/dashboard/export/{key}.xlsx?{MARCH}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) > 1
    if key == "summary":
        assert rows[1][:2] == ("受理量", "6")


def test_the_monthly_report_is_a_pdf_with_chinese_text(client, staff, rolled):  # type: ignore[no-untyped-def]
    response = as_user(client, staff["leader"]).get("/staff/dashboard/report.pdf?month=2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"NotoSansCJK" in response.content  # the font is embedded
    bad = as_user(client, staff["leader"]).get("/staff/dashboard/report.pdf?month=2026-13")
    assert bad.status_code == 400


def test_other_apps_plug_panels_in(client, staff, rolled):  # type: ignore[no-untyped-def]
    seen = []

    def context(user, query):  # type: ignore[no-untyped-def]
        seen.append((user.username, query.period.first.isoformat()))
        return {"items": ["热点一"]} if user.role == "leader" else None

    panels.register(panels.Panel("test", "analytics/_panel_list.html", context, "测试面板", 5))
    try:
        leader = as_user(client, staff["leader"]).get(f"/staff/dashboard/?{MARCH}").content.decode()
        assert "测试面板" in leader
        assert "热点一" in leader
        assert ("leader", "2026-03-01") in seen
        head = as_user(client, staff["zhujian_head"]).get("/staff/dashboard/").content.decode()
        assert "测试面板" not in head
    finally:
        panels.unregister("test")


def test_the_leaders_home_leads_to_the_dashboard(client, staff):  # type: ignore[no-untyped-def]
    at("2026-04-01")
    home = as_user(client, staff["leader"]).get("/staff/").content.decode()
    assert 'href="/staff/dashboard/"' in home
