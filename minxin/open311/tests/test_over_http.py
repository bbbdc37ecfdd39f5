"""Open311 over HTTP on loopback, spoken by an Open311 client library from PyPI (georeport:
services, definitions, requests, one request, in JSON and XML) and by plain HTTP for what the
library does not do (POST requests, tokens, errors)."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport

from minxin.open311.keys import client_create, client_revoke
from minxin.open311.models import FiledRequest
from minxin.org.models import Category
from minxin.tickets.models import Ticket

FORMATS = ["json", "xml"]


@pytest.fixture
def server(live_server, transactional_db, city) -> str:  # type: ignore[no-untyped-def]
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def client_key(server) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    client, raw = client_create(name="随手拍 App")
    return client.pk, raw


def post(server: str, fmt: str, **fields: str) -> requests.Response:
    return requests.post(f"{server}/requests.{fmt}", data=fields, timeout=30)


def lamp_form(key: str, **fields: str) -> dict:
    lamp = Category.objects.get(name="市政设施")
    return {
        "api_key": key,
        "service_code": str(lamp.pk),
        "description": "小区门口路灯不亮",
        "address_string": "沈河区青年大街100号",
        "first_name": "明",
        "last_name": "张",
        "phone": "13800001111",
        "media_url": "https://img.example.cn/1.jpg",
        **fields,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_library_client_reads_services_and_definitions(server, fmt):
    library = GeoReport(server, output_format=fmt)
    services = library.get_service_list()
    names = {s["service_name"]: s for s in services}
    assert "市政设施" in names
    assert names["市政设施"]["group"] == "城乡建设"
    top = Category.objects.get(name="城乡建设")
    definition = library.get_service_definition(str(top.pk))
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    codes = [a["code"] for a in attributes]
    assert codes == ["request_type", "title", "district", "subcategory"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_posted_over_http_is_read_back_by_the_library(server, client_key, fmt):
    _, key = client_key
    response = post(server, fmt, **lamp_form(key))
    assert response.status_code == 201, response.text
    if fmt == "json":
        answer = response.json()[0]
    else:
        request = ElementTree.fromstring(response.content).find("request")
        answer = {child.tag: child.text for child in request}
    request_id = answer["service_request_id"]
    ticket = Ticket.objects.get(pk=int(request_id))
    assert ticket.tracking_code == answer["tracking_code"]
    assert ticket.channel == "api"

    library = GeoReport(server, output_format=fmt)
    one = library.get_service_request(request_id)
    assert one["service_request_id"] == request_id
    assert one["status"] == "open"
    assert one["status_notes"] == "待受理"
    listed = library.get_service_requests(service_request_id=request_id, status="open")
    if fmt == "xml":  # xmltodict gives one element as a dict, several as a list
        listed = [listed] if isinstance(listed, dict) else listed
    assert [r["service_request_id"] for r in listed] == [request_id]
    if fmt == "json":
        assert library.get_service_requests(status="closed") == []
    else:  # the library cannot read an empty <service_requests/> (xmltodict gives None)
        empty = requests.get(f"{server}/requests.xml", {"status": "closed"}, timeout=30)
        assert list(ElementTree.fromstring(empty.content)) == []

    # The filing client, with its key, sees the request in full (plain HTTP: the library
    # sends no api_key on reads).
    own = requests.get(f"{server}/requests/{request_id}.json", {"api_key": key}, timeout=30)
    assert own.json()[0]["description"] == "小区门口路灯不亮"
    token = requests.get(f"{server}/tokens/{answer['token']}.json", timeout=30).json()[0]
    assert token["service_request_id"] == request_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_without_api_key_is_refused_with_the_protocols_error(server, client_key, fmt):
    _, key = client_key
    body = lamp_form(key)
    del body["api_key"]
    response = post(server, fmt, **body)
    assert response.status_code == 403
    if fmt == "json":
        [error] = response.json()
        assert error["code"] == 403
        assert "api_key" in error["description"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        assert root.findtext("error/code") == "403"
    assert not Ticket.objects.exists()
    assert not FiledRequest.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_over_http(server, client_key, fmt):
    client_id, key = client_key
    unknown = post(server, fmt, **lamp_form(key, service_code="987654"))
    assert unknown.status_code == 400
    assert "987654" in unknown.text
    missing = post(server, fmt, **lamp_form(key, description=""))
    assert missing.status_code == 400
    assert "description" in missing.text
    dates = requests.get(f"{server}/requests.{fmt}", {"start_date": "2026-02-30"}, timeout=30)
    assert dates.status_code == 400
    assert "start_date" in dates.text
    assert requests.get(f"{server}/requests/555.{fmt}", timeout=30).status_code == 404
    library = GeoReport(server, output_format=fmt)
    with pytest.raises(requests.HTTPError):
        library.get_service_definition("987654")
    client_revoke(client_id=client_id)
    revoked = post(server, fmt, **lamp_form(key))
    assert revoked.status_code == 403
    assert not Ticket.objects.exists()


def test_a_retry_over_http_files_one_request(server, client_key):
    _, key = client_key
    first = post(server, "json", **lamp_form(key))
    again = post(server, "json", **lamp_form(key))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Ticket.objects.count() == 1


def test_a_retry_racing_its_original_files_one_request(server, client_key):
    from concurrent.futures import ThreadPoolExecutor

    _, key = client_key
    form = lamp_form(key)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: post(server, "json", **form), range(4)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json()[0]["service_request_id"] for a in answers}) == 1
    assert Ticket.objects.count() == 1
