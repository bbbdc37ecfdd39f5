import pytest

from minxin.insight.demand import forecasts_store
from minxin.insight.hotspots import snapshot_take
from minxin.insight.tests.helpers import request


@pytest.fixture
def topics(city) -> None:
    for i in range(4):
        request(city, f"道路积水{i}", f"文化路雨后道路积水严重，车辆无法通行{i}")
    snapshot_take()
    forecasts_store()


def test_the_leaders_dashboard_shows_the_insight_panels(client, staff, topics):
    client.force_login(staff["leader"])
    page = client.get("/staff/dashboard/").content.decode()
    for heading in ("民生热点", "需求预测", "红黑榜"):
        assert f">{heading}</h2>" in page
    assert "积水" in page
    assert 'href="/staff/hotspots/"' in page


def test_a_units_dashboard_has_no_city_panels(client, staff, topics):
    client.force_login(staff["heping_head"])
    response = client.get("/staff/dashboard/")
    assert response.status_code == 200
    assert ">民生热点</h2>" not in response.content.decode()
