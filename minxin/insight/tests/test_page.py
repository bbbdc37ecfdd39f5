import datetime as dt

import pytest
from django.core.management import call_command

from minxin.core import clock
from minxin.insight.demand import forecasts_store
from minxin.insight.hotspots import snapshot_take
from minxin.insight.tests.helpers import request, shared


@pytest.fixture
def supervisor_client(client, staff):
    client.force_login(staff["supervisor"])
    return client


def test_the_page_shows_topics_map_table_and_forecasts(supervisor_client, city):
    call_command("city-geojson", str(shared("shenyang-districts.geojson")))
    for i in range(4):
        request(city, f"道路积水{i}", f"文化路雨后道路积水严重，车辆无法通行{i}")
    snapshot_take()
    today = clock.today()
    clock.freeze(clock.now() + dt.timedelta(days=7))  # a whole week of history to forecast from
    forecasts_store()  # the worker's nightly run
    call_command("analytics", "refresh")  # the worker's rollups
    response = supervisor_client.get(f"/staff/hotspots/?from={today}&to={clock.today()}")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<path ") == 13
    assert "各区县诉求量地图" in page
    assert '<th scope="row">和平区</th><td>4</td>' in page  # the table alternative
    assert "积水" in page  # the topic's keywords
    assert "按一级分类" in page
    assert "城乡建设" in page


@pytest.mark.parametrize("user", ["heping", "heping_head"])
def test_unit_staff_are_refused(client, staff, user):
    client.force_login(staff[user])
    response = client.get("/staff/hotspots/")
    assert response.status_code == 403
    assert "不能查看民生热点" in response.content.decode()


def test_anonymous_visitors_go_to_the_login(client, db):
    assert client.get("/staff/hotspots/").status_code == 302


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2024-05-01&to=2024-04-01", "结束日期不能早于开始日期"),
        ("from=2001-01-01&to=2024-01-01", "统计期间最长三年"),
        ("from=yesterday", "年-月-日"),
    ],
)
def test_a_bad_period_gets_a_400_in_chinese(supervisor_client, query, message):
    response = supervisor_client.get(f"/staff/hotspots/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_workbench_menu_leads_here_for_the_citywide_roles(client, staff):
    client.force_login(staff["leader"])
    assert 'href="/staff/hotspots/">民生热点' in client.get("/staff/").content.decode()
    client.force_login(staff["heping"])
    assert "民生热点" not in client.get("/staff/").content.decode()
