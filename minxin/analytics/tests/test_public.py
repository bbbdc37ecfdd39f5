"""Public figures: the page and the API, small counts withheld, bad input refused."""

from __future__ import annotations

import pytest

MARCH = "from=2026-03-01&to=2026-03-31"


def test_the_summary_gives_the_figures_and_withholds_small_counts(client, rolled):  # type: ignore[no-untyped-def]
    body = client.get(f"/api/v1/stats/summary?{MARCH}").json()
    assert body["from"] == "2026-03-01"
    assert body["total"] == 6
    assert body["suppressed_below"] == 5
    by_type = {t["code"]: t["count"] for t in body["by_type"]}
    assert by_type == {"complaint": 5, "consultation": None}  # one consultation: withheld
    # Four closings: too few to publish a count or any rate over them.
    assert body["closed"] is None
    assert body["on_time_rate"] is None
    assert body["reopen_rate"] is None
    assert body["avg_handling_workdays"] is None
    assert [c["name"] for c in body["by_category"]] == ["城乡建设", "环境保护"]


def test_with_a_lower_threshold_the_rates_appear(client, rolled, settings):  # type: ignore[no-untyped-def]
    settings.ANALYTICS_PUBLIC_MIN_COUNT = 1
    body = client.get(f"/api/v1/stats/summary?{MARCH}").json()
    assert body["on_time_rate"] == 0.75
    assert body["satisfaction_rate"] == 1.0
    assert body["reopen_rate"] == 0.25
    assert body["avg_handling_workdays"] == 6.75
    assert body["closed"] == 4


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-03-31&to=2026-03-01", "invalid_period"),
        ("from=2000-01-01&to=2020-01-01", "invalid_period"),
        ("from=2026-02-30", "invalid_period"),
        ("district=999999", "unknown_district"),
        ("category=999999", "unknown_category"),
    ],
)
def test_bad_input_gets_the_api_error_shape(client, city, query, code):  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/stats/summary?{query}")
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_the_public_page_shows_the_figures(client, rolled):  # type: ignore[no-untyped-def]
    page = client.get(f"/stats/?{MARCH}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "数据公开" in text
    assert "少于5件，不公开" in text
    assert "城乡建设" in text


def test_the_public_page_says_what_is_wrong(client, city):  # type: ignore[no-untyped-def]
    page = client.get("/stats/?from=2026-03-31&to=2026-03-01")
    assert page.status_code == 400
    assert "结束日期不能早于开始日期" in page.content.decode()
    assert client.get("/stats/?district=424242").status_code == 400
