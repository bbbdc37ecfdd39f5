"""智能预判 on the submit page: handled public cases like the citizen's draft."""

from __future__ import annotations

import pytest

from minxin.similar.services import public_cases_import

pytestmark = pytest.mark.django_db

CASES = [
    {
        "id": "1",
        "title": "幸福小区电梯长期停运无人维修",
        "text": "幸福小区三号楼电梯停运一个月，物业不维修，老人上下楼困难。联系电话13812345678",
        "date": "2023-03-01 10:00:00",
        "reply": "经核实，物业公司已于3月10日更换电梯主板，电梯恢复运行。" * 5,
        "reply_date": "2023-03-12 09:30:00",
    },
    {
        "id": "2",
        "title": "建设路夜间施工噪音扰民",
        "text": "建设路工地每晚十二点后还在施工，噪音很大。",
        "date": "2023-04-01 10:00:00",
        "reply": "区城管局已责令施工单位夜间停工。",
        "reply_date": "2023-04-03 16:00:00",
    },
]


@pytest.fixture(autouse=True)
def own_index_dir(settings, tmp_path):
    settings.SIMILAR_INDEX_DIR = str(tmp_path)


def test_similar_returns_the_imported_cases_with_a_short_reply(client):
    public_cases_import(rows=CASES, source="test")
    response = client.get("/submit/similar", {"q": "小区电梯停运没人修"})
    assert response.status_code == 200
    cases = response.json()
    assert 1 <= len(cases) <= 3
    first = cases[0]
    assert first["title"] == "幸福小区电梯长期停运无人维修"
    assert first["reply"].startswith("经核实，物业公司已于3月10日更换电梯主板")
    assert len(first["reply"]) <= 101
    assert first["reply"].endswith("…")
    assert first["date"] == "2023-03-12"
    assert set(first) == {"id", "title", "reply", "date"}


def test_a_short_query_returns_nothing(client):
    public_cases_import(rows=CASES, source="test")
    assert client.get("/submit/similar", {"q": "电梯"}).json() == []
    assert client.get("/submit/similar").json() == []


def test_a_broken_index_returns_nothing_not_an_error(client, monkeypatch):
    def broken(query: str, k: int = 5) -> list:
        raise RuntimeError("index unreadable")

    monkeypatch.setattr("minxin.portal.similar.similar_cases", broken)
    response = client.get("/submit/similar", {"q": "小区电梯停运没人修"})
    assert response.status_code == 200
    assert response.json() == []


def test_the_submit_page_has_the_region_and_no_inline_script(client, city):
    page = client.get("/submit/").content.decode()
    assert '<div class="similar" data-similar data-similar-url="/submit/similar">' in page
    assert 'role="status" aria-live="polite" data-similar-status' in page
    assert "<script>" not in page
    assert " style=" not in page
