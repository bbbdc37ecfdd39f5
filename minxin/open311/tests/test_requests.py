from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.open311.keys import client_create
from minxin.open311.tests.conftest import BASE, form
from minxin.org.models import Category
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.services import ticket_reject

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def file(client, key, category, **fields):  # type: ignore[no-untyped-def]
    response = client.post(f"{BASE}/requests.json", form(key, category, **fields))
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


def ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in response.json()]


def test_the_filing_client_sees_its_request_in_full_others_see_the_public_fields(client, key, lamp):
    request_id = file(client, key, lamp, media_url="https://img.example.cn/a.jpg")
    own = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": key}).json()[0]
    ticket = Ticket.objects.get()
    assert own["description"] == ticket.content
    assert own["lat"] == 41.805699
    assert own["media_url"] == "https://img.example.cn/a.jpg"
    assert own["tracking_code"] == ticket.tracking_code
    assert own["status"] == "open"
    assert own["status_notes"] == "待受理"
    assert own["service_code"] == str(lamp.pk)
    assert own["service_name"] == "市政设施"
    assert own["agency_responsible"] == "市民诉求受理中心"
    assert own["expected_datetime"].endswith("+08:00")
    public = client.get(f"{BASE}/requests/{request_id}.json").json()[0]
    other_key = client_create(name="别的应用")[1]
    other = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": other_key}).json()[0]
    for view in (public, other):
        assert view["description"] is None
        assert view["lat"] is None
        assert view["address"] is None
        assert "tracking_code" not in view
        assert view["status"] == "open"


def test_requests_not_filed_through_open311_are_not_listed(client, api, key, lamp):
    submitted = api.post(
        "/requests", {"request_type": "complaint", "title": "噪音", "content": "夜间施工"}
    )
    assert submitted.status_code == 201
    web_ticket = Ticket.objects.get()
    assert ids(client.get(f"{BASE}/requests.json")) == []
    assert client.get(f"{BASE}/requests/{web_ticket.pk}.json").status_code == 404


def test_filters_by_id_list_service_code_and_status(client, key, lamp, staff):
    water = Category.objects.get(name="供水排水")
    first = file(client, key, lamp)
    second = file(client, key, water, description="停水两天了")
    third = file(client, key, lamp, description="井盖丢了")
    ticket_reject(ticket_id=int(third), actor=Actor.staff(staff["intake"]), reason="不属于受理范围")
    url = f"{BASE}/requests.json"
    assert ids(client.get(url)) == [third, second, first]  # newest first
    assert ids(client.get(url, {"service_request_id": f"{first},{third}"})) == [third, first]
    assert ids(client.get(url, {"service_code": str(water.pk)})) == [second]
    top = Category.objects.get(name="城乡建设")  # a group's code finds its subcategories
    assert ids(client.get(url, {"service_code": str(top.pk)})) == [third, second, first]
    assert ids(client.get(url, {"status": "closed"})) == [third]
    assert ids(client.get(url, {"status": "open"})) == [second, first]
    assert ids(client.get(url, {"status": "open,closed"})) == [third, second, first]
    closed = client.get(f"{BASE}/requests/{third}.json").json()[0]
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "不予受理"


def test_dates_window_and_paging(client, key, lamp):
    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    made = []
    for days in (0, 20, 100):
        clock.freeze(start + days * DAY)
        made.append(file(client, key, lamp, description=f"第{days}天的路灯"))
    clock.freeze(start + 101 * DAY)
    url = f"{BASE}/requests.json"
    assert ids(client.get(url)) == [made[2], made[1]]  # the last 90 days by default
    window = {"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-03-25T00:00:00Z"}
    assert ids(client.get(url, window)) == [made[1], made[0]]
    assert ids(client.get(url, {"start_date": "2026-03-01T00:00:00"})) == [made[1], made[0]]
    page = client.get(url, {**window, "page_size": "1", "page": "2"})
    assert ids(page) == [made[0]]
    assert page["X-Total-Count"] == "2"


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"end_date": "2026-13-01T00:00:00Z"},
        {"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-04-01T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"status": "pending"},
        {"service_code": "999999"},
        {"service_request_id": "1,x"},
        {"page_size": "0"},
        {"page": "-1"},
    ],
)
def test_bad_filters_are_400_in_both_formats(client, key, lamp, params):
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", params)
        assert response.status_code == 400, (params, response.content)
        if fmt == "xml":
            assert ElementTree.fromstring(response.content).findtext("error/code") == "400"
        else:
            assert response.json()[0]["code"] == 400


def test_unknown_ids_tokens_and_paths_are_404(client, key):
    assert client.get(f"{BASE}/requests/424242.json").status_code == 404
    assert client.get(f"{BASE}/requests/abc.xml").status_code == 404
    assert client.get(f"{BASE}/tokens/nothing.json").json()[0]["code"] == 404
    assert client.get(f"{BASE}/services/999999.json").status_code == 404
    missing = client.get(f"{BASE}/nowhere.xml")
    assert missing.status_code == 404
    assert ElementTree.fromstring(missing.content).tag == "errors"
    assert client.get(f"{BASE}/requests.csv").status_code == 404
    assert client.delete(f"{BASE}/requests.json").status_code == 405


def test_a_token_gives_the_request_id(client, key, lamp):
    answer = client.post(f"{BASE}/requests.json", form(key, lamp)).json()[0]
    response = client.get(f"{BASE}/tokens/{answer['token']}.xml")
    root = ElementTree.fromstring(response.content)
    assert root.findtext("request/service_request_id") == answer["service_request_id"]
    assert root.findtext("request/token") == answer["token"]


def test_services_and_definitions_come_from_the_category_tree(client, city):
    services = client.get(f"{BASE}/services.json").json()
    lamp = Category.objects.get(name="市政设施")
    top = lamp.parent
    entry = next(s for s in services if s["service_code"] == str(lamp.pk))
    assert entry["service_name"] == "市政设施"
    assert entry["group"] == "城乡建设"
    assert entry["metadata"] is True
    assert "路灯" in entry["keywords"]
    assert len(services) == Category.objects.filter(is_active=True).count()
    definition = client.get(f"{BASE}/services/{top.pk}.json").json()
    codes = [a["code"] for a in definition["attributes"]]
    assert codes == ["request_type", "title", "district", "subcategory"]
    subcategory = definition["attributes"][3]
    assert {"key": str(lamp.pk), "name": "市政设施"} in subcategory["values"]
    leaf = client.get(f"{BASE}/services/{lamp.pk}.xml")
    root = ElementTree.fromstring(leaf.content)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.iter("attribute")] == codes[:3]
    kinds = [v.findtext("name") for v in root.find("attributes/attribute/values")]
    assert "投诉" in kinds
    assert "求助" in kinds


def test_an_inactive_category_is_no_service(client, city):
    lamp = Category.objects.get(name="市政设施")
    lamp.is_active = False
    lamp.save()
    codes = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    assert str(lamp.pk) not in codes
    assert client.get(f"{BASE}/services/{lamp.pk}.json").status_code == 404


def test_discovery_in_both_formats(client, db):
    data = client.get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert data["endpoints"][0]["formats"] == ["application/json", "text/xml"]
    root = ElementTree.fromstring(client.get(f"{BASE}/discovery.xml").content)
    assert [f.text for f in root.iter("format")] == ["application/json", "text/xml"]


def test_listing_does_not_query_per_request(client, key, lamp, django_assert_max_num_queries):
    for n in range(5):
        file(client, key, lamp, description=f"第{n}盏路灯不亮")
    # The key, the count, the page, its lead units, its replies: five, however long the page.
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{BASE}/requests.json", {"api_key": key}).json()) == 5
