"""Hostile and odd input gets a clear 4xx or is stored safely; never a 500, never markup run."""

from __future__ import annotations

import pytest

from minxin.tickets.models import Ticket

pytestmark = pytest.mark.django_db

NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE tickets_ticket; --",
    "😀🏠 emoji and 𠀀 CJK extension B",
    "\u202eright-to-left override\u200b zero width",
    "null\x00byte",
]


def submit(api, **fields):  # type: ignore[no-untyped-def]
    body = {"request_type": "complaint", "title": "路灯", "content": "路灯不亮", **fields}
    return api.post("/requests", body)


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_is_stored_as_text(api, city, text):
    response = submit(api, title=text[:100], content=text, address=text[:200])
    assert response.status_code == 201, response.content
    data = response.json()
    tracked = api.get(
        f"/requests/{data['tracking_code']}", headers={"X-Query-Password": data["query_password"]}
    ).json()
    assert tracked["content"] == text.replace("\x00", "")
    assert Ticket.objects.count() == 1


def test_stored_markup_is_escaped_on_pages(client, api, city, staff):
    data = submit(api, title="<script>alert(1)</script>").json()
    client.force_login(staff["intake"])
    ticket = Ticket.objects.get(tracking_code=data["tracking_code"])
    page = client.get(f"/staff/requests/{ticket.pk}/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


@pytest.mark.parametrize(
    "fields",
    [
        {"content": "长" * 100_000},
        {"title": "标" * 101},
        {"latitude": 91, "longitude": 10},
        {"latitude": "north", "longitude": 10},
        {"latitude": 30},
        {"district_id": 10**12},
        {"category_id": -1},
        {"request_type": "x" * 10_000},
        {"channel": "pigeon"},
    ],
)
def test_invalid_fields_get_a_clear_422(api, city, fields):
    response = submit(api, **fields)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]


def test_a_text_past_its_limit_says_the_limit(api, city):
    error = submit(api, title="标" * 101).json()["error"]
    assert (error["code"], error["message"], error["field"]) == (
        "too_long",
        "title不能超过100字",
        "title",
    )


def test_broken_json_and_wrong_types(client, city):
    for body in ("{not json", "[]", "null", '{"title": 5}', "\xff\xfe"):
        response = client.post("/api/v1/requests", body, content_type="application/json")
        assert 400 <= response.status_code < 500, body
        assert "error" in response.json()


def test_an_oversized_body_is_refused(client, city, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(
        "/api/v1/requests", "x" * (2 * 1024 * 1024), content_type="application/json"
    )
    assert 400 <= response.status_code < 500


def test_odd_tracking_codes_and_ids(api, city):
    for code in ("'", "../../etc/passwd", "a" * 500, "%00", "<b>"):
        response = api.get(f"/requests/{code}")
        assert response.status_code in (400, 404, 422), code
    token = api.login("intake")
    for path in (
        "/staff/requests/99999999999999999999",
        "/staff/requests/-1",
        "/staff/queues/nope",
    ):
        assert 400 <= api.get(path, token=token).status_code < 500, path


def test_nul_bytes_anywhere_are_a_400_not_a_500(api, city):
    token = api.login("supervisor")
    assert api.get("/staff/supervision", {"state": "open\x00"}, token=token).status_code < 500
    intake = api.login("intake")
    created = submit(api).json()
    ticket_id = Ticket.objects.get(tracking_code=created["tracking_code"]).pk
    rejected = api.post(
        f"/staff/requests/{ticket_id}/reject", {"reason": "重复\x00提交"}, token=intake
    )
    assert rejected.status_code < 500


@pytest.mark.parametrize(
    "kind",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_body_that_is_not_json_is_refused_with_415(client, city, kind):
    # Finding 9: a third-party page could post text/plain without a CORS preflight.
    body = '{"phone": "13800001111"}'
    for path in ("/api/v1/sms/codes", "/api/v1/requests", "/api/v1/auth/token"):
        response = client.generic("POST", path, body, content_type=kind)
        assert response.status_code == 415, (path, kind, response.content)
        assert response.json()["error"]["code"] == "unsupported_media_type"
    from minxin.notify.models import SmsMessage

    assert SmsMessage.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_json_with_a_charset_is_accepted_and_no_cors_header_is_sent(client, city):
    response = client.post(
        "/api/v1/sms/codes",
        '{"phone": "13800001111"}',
        content_type="application/json; charset=utf-8",
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 202
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        "/api/v1/sms/codes",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in preflight
