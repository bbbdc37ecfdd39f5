from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.open311.models import FiledRequest
from minxin.open311.tests.conftest import BASE, form
from minxin.org.models import Category, Unit
from minxin.tickets.models import Channel, Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_post_files_an_anonymous_request_through_the_submission_service(client, key, lamp):
    response = client.post(
        f"{BASE}/requests.json",
        form(
            key,
            lamp,
            first_name="小明",
            last_name="王",
            phone="13800000000",
            email="wang@example.cn",
            media_url="https://img.example.cn/lamp.jpg",
            address_string="和平区南京北街1号",
        ),
    )
    assert response.status_code == 201, response.content
    answer = response.json()[0]
    ticket = Ticket.objects.get(pk=int(answer["service_request_id"]))
    assert ticket.channel == Channel.API
    assert ticket.status == Status.SUBMITTED
    assert ticket.is_anonymous
    assert ticket.submitter_phone == ""
    assert ticket.category == lamp
    assert ticket.request_type.code == "help"
    assert ticket.title == "路口的路灯坏了三天，晚上很黑"
    assert ticket.address == "和平区南京北街1号"
    assert str(ticket.latitude) == "41.805699"
    assert answer["tracking_code"] == ticket.tracking_code
    assert len(answer["query_password"]) == 6
    assert answer["token"]
    assert answer["service_notice"].startswith("将在")
    filed = FiledRequest.objects.get(ticket=ticket)
    assert filed.client.name == "街拍随手报"
    assert filed.media_url == "https://img.example.cn/lamp.jpg"
    payload = json.loads(filed.payload)
    assert payload["phone"] == "13800000000"
    assert payload["email"] == "wang@example.cn"
    # Kept encrypted, like the request's own contact fields.
    raw = FiledRequest.objects.values_list("payload", flat=True).get()
    assert raw == filed.payload
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM open311_filedrequest")
        assert "13800000000" not in cursor.fetchone()[0]


def test_a_citizen_token_makes_it_a_real_name_request(client, key, lamp):
    token = citizen_token_issue(phone="13900000000")
    response = client.post(
        f"{BASE}/requests.json",
        form(key, lamp, first_name="小红", last_name="李"),
        headers={"X-Citizen-Token": token},
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert not ticket.is_anonymous
    assert ticket.submitter_phone == "13900000000"
    assert ticket.submitter_name == "李小红"
    assert response.json()[0]["query_password"] is None


def test_a_bad_citizen_token_is_refused_not_ignored(client, key, lamp):
    response = client.post(
        f"{BASE}/requests.json", form(key, lamp), headers={"X-Citizen-Token": "forged"}
    )
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_attributes_choose_type_title_district_and_subcategory(client, key, city):
    top = Category.objects.get(name="城乡建设")
    district = Unit.objects.filter(kind=Unit.Kind.DISTRICT).first()
    response = client.post(
        f"{BASE}/requests.json",
        form(
            key,
            top,
            **{
                "attribute[request_type]": "complaint",
                "attribute[title]": "路灯不亮",
                "attribute[subcategory]": str(Category.objects.get(name="市政设施").pk),
                "attribute[district]": str(district.pk),
                "attribute[extra][]": ["a", "b"],
            },
        ),
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get()
    assert ticket.request_type.code == "complaint"
    assert ticket.title == "路灯不亮"
    assert ticket.category.name == "市政设施"
    assert ticket.district == district
    attributes = json.loads(FiledRequest.objects.get().payload)["attributes"]
    assert attributes["extra"] == ["a", "b"]  # nothing the client sent is dropped


def test_the_same_submission_twice_is_one_request(client, key, lamp):
    first = client.post(f"{BASE}/requests.json", form(key, lamp))
    again = client.post(f"{BASE}/requests.json", form(key, lamp))
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()  # the same id, token and query password
    assert Ticket.objects.count() == 1
    other = client.post(f"{BASE}/requests.json", form(key, lamp, description="另一盏灯也坏了"))
    assert other.status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "status", "needle"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "o311_wrong"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "999999"}, 400, "999999"),
        ({"service_code": "abc"}, 400, "abc"),
        ({"description": ""}, 400, "description"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "91"}, 400, "坐标"),
        ({"lat": "41.8", "long": ""}, 400, "address_string"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"attribute[request_type]": "nope"}, 400, "request_type"),
        ({"attribute[district]": "1x"}, 400, "district"),
        ({"attribute[subcategory]": "1"}, 400, "subcategory"),
        ({"attribute[title]": "长" * 101}, 400, "标题"),
    ],
)
def test_bad_input_is_refused_in_the_spec_format_and_files_nothing(
    client, key, lamp, change, status, needle
):
    body = {k: v for k, v in {**form(key, lamp), **change}.items() if v != ""}
    for fmt in ("json", "xml"):
        response = client.post(f"{BASE}/requests.{fmt}", body)
        assert response.status_code == status, response.content
        if fmt == "json":
            [error] = response.json()
            assert error["code"] == status
            assert needle in error["description"]
        else:
            root = ElementTree.fromstring(response.content)
            assert root.tag == "errors"
            assert root.findtext("error/code") == str(status)
            assert needle in root.findtext("error/description")
    assert not Ticket.objects.exists()
    assert not FiledRequest.objects.exists()


def test_a_post_in_xml_answers_in_xml(client, key, lamp):
    response = client.post(f"{BASE}/requests.xml", form(key, lamp))
    assert response.status_code == 201
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(Ticket.objects.get().pk)
    assert root.find("request/account_id").text is None


def test_api_key_may_come_in_the_query_string(client, key, lamp):
    body = form(key, lamp)
    del body["api_key"]
    response = client.post(f"{BASE}/requests.json?api_key={key}", body)
    assert response.status_code == 201


def test_a_query_password_is_kept_only_while_a_retry_may_ask_for_it(client, key, lamp):
    import datetime as dt

    from django.utils import timezone

    from minxin.core import clock

    start = timezone.make_aware(dt.datetime(2026, 3, 2, 10))
    clock.freeze(start)
    client.post(f"{BASE}/requests.json", form(key, lamp))
    clock.freeze(start + dt.timedelta(hours=25))
    client.post(f"{BASE}/requests.json", form(key, lamp, description="又一盏路灯坏了"))
    kept = dict(FiledRequest.objects.values_list("ticket__title", "query_password"))
    assert kept["路口的路灯坏了三天，晚上很黑"] == ""
    assert len(kept["又一盏路灯坏了"]) == 6
    # Past the window the same form is a new request, as a citizen asking again would be.
    again = client.post(f"{BASE}/requests.json", form(key, lamp))
    assert again.status_code == 201
    assert Ticket.objects.count() == 3
