"""One request through every step over the HTTP API, as the demo accounts."""

from __future__ import annotations

import re

import pytest

from minxin.notify.tests.helpers import last_sms_text
from minxin.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _sms_code(phone: str) -> str:
    text = last_sms_text(phone)
    return re.search(r"验证码是(\d{6})", text).group(1)


def test_a_real_name_request_walks_every_step_over_http(api, city):
    phone = "13700001234"
    assert api.post("/sms/codes", {"phone": phone}).status_code == 202
    verified = api.post("/sms/verify", {"phone": phone, "code": _sms_code(phone)})
    citizen = {"X-Citizen-Token": verified.json()["citizen_token"]}
    body = {
        "request_type": "complaint",
        "title": "小区电梯故障",
        "content": "三号楼电梯停运",
        "anonymous": False,
        "name": "张三",
        "district_id": city["units"]["heping"].pk,
    }
    created = api.post("/requests", body, headers=citizen)
    assert created.status_code == 201, created.content
    code = created.json()["tracking_code"]
    assert created.json()["query_password"] is None
    assert created.json()["deadline_text"].startswith("将在")

    intake, unit, reviewer = api.login("intake"), api.login("zhujian"), api.login("reviewer")
    queue = api.get("/staff/queues/intake", token=intake).json()
    ticket_id = next(t["id"] for t in queue if t["tracking_code"] == code)
    steps = [
        (intake, "accept", {"category_id": city["category"].pk}),
        (
            intake,
            "dispatch",
            {
                "lead_unit_id": city["units"]["zhujian"].pk,
                "co_unit_ids": [city["units"]["chengguan"].pk],
            },
        ),
        (unit, "sign", {}),
        (
            unit,
            "reply",
            {
                "facts": "现场核实属实",
                "solved": True,
                "public_reply": "电梯已修复",
                "proceed_reason": "城管局已电话反馈，书面意见随后补交",
            },
        ),
        (reviewer, "approve", {"note": "答复规范"}),
    ]
    for token, action, payload in steps:
        response = api.post(f"/staff/requests/{ticket_id}/{action}", payload, token=token)
        assert response.status_code == 200, (action, response.content)

    tracked = api.get(f"/requests/{code}", headers=citizen).json()
    assert tracked["status"] == "published"
    assert tracked["can_rate"]
    assert tracked["reply"]["public_reply"] == "电梯已修复"
    rated = api.post(f"/requests/{code}/rating", {"satisfaction": "satisfied"}, headers=citizen)
    assert rated.json()["status"] == "closed"
    archived = api.post(f"/staff/requests/{ticket_id}/archive", token=api.login("callback"))
    assert archived.json()["status"] == "archived"
    actions = [e["action"] for e in archived.json()["timeline"]]
    assert actions == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "co_proceed",
        "reply",
        "approve",
        "rate",
        "archive",
    ]
    mine = api.get("/me/requests", headers=citizen).json()
    assert [t["tracking_code"] for t in mine] == [code]


def test_an_anonymous_citizen_tracks_with_the_password(api, city):
    created = api.post(
        "/requests",
        {
            "request_type": "consultation",
            "title": "社保怎么缴",
            "content": "灵活就业人员如何缴纳社保",
        },
    ).json()
    code, password = created["tracking_code"], created["query_password"]
    assert api.get(f"/requests/{code}").status_code == 404
    assert (
        api.get(
            f"/requests/{code}", {"password": "000000" if password != "000000" else "1"}
        ).status_code
        == 404
    )
    ok = api.get(f"/requests/{code}", headers={"X-Query-Password": password})
    assert ok.status_code == 200
    assert ok.json()["status"] == "submitted"
    timeline = ok.json()["timeline"]
    assert timeline[0]["action"] == "submit"
    assert "actor" in timeline[0]


def test_lookups_lock_after_repeated_failures(api, city, settings):
    settings.TRACKING_LOOKUP_MAX_FAILURES = 3
    created = api.post(
        "/requests", {"request_type": "complaint", "title": "t", "content": "c"}
    ).json()
    code = created["tracking_code"]
    for _ in range(3):
        api.get(f"/requests/{code}", {"password": "x"})
    locked = api.get(f"/requests/{code}", {"password": created["query_password"]})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "lookup_locked"


def test_a_retry_with_the_same_idempotency_key_creates_one_request(api, city):
    from minxin.tickets.models import Ticket

    body = {"request_type": "complaint", "title": "路灯不亮", "content": "整条街路灯不亮"}
    first = api.post("/requests", body, headers={"Idempotency-Key": "abc-123"})
    second = api.post("/requests", body, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Ticket.objects.count() == 1
    changed = api.post(
        "/requests", {**body, "title": "别的"}, headers={"Idempotency-Key": "abc-123"}
    )
    assert changed.status_code == 409


def test_errors_have_one_shape_with_a_chinese_message(api, city):
    bad = api.post("/requests", {"request_type": "nonsense", "title": "t", "content": "c"})
    assert bad.status_code == 422
    assert bad.json()["error"] == {
        "code": "invalid_type",
        "message": "请选择诉求类型",
        "field": "request_type",
    }
    broken = api.call("post", "/requests", None)
    assert broken.status_code in (400, 422)
    assert "error" in broken.json()
    too_long = api.post(
        "/requests", {"request_type": "complaint", "title": "t", "content": "长" * 100_000}
    )
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"]
    coords = api.post(
        "/requests",
        {"request_type": "complaint", "title": "t", "content": "c", "latitude": 91, "longitude": 0},
    )
    assert coords.status_code == 422


def test_two_actions_on_a_stale_version_conflict(api, city):
    created = api.post(
        "/requests", {"request_type": "complaint", "title": "t", "content": "c"}
    ).json()
    intake = api.login("intake")
    ticket_id = api.get("/staff/queues/intake", token=intake).json()[0]["id"]
    first = api.post(f"/staff/requests/{ticket_id}/accept", {"expected_version": 0}, token=intake)
    second = api.post(f"/staff/requests/{ticket_id}/accept", {"expected_version": 0}, token=intake)
    assert first.status_code == 200
    assert created["status"] == "submitted"
    assert second.status_code == 409
    assert second.json()["error"]["message"]


def test_the_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/requests/{tracking_code}" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_tracking_is_served_from_cache_and_refreshed_by_any_change(
    api, city, staff, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from minxin.tickets import services as svc
    from minxin.tickets.actors import Actor

    created = api.post(
        "/requests", {"request_type": "complaint", "title": "井盖缺失", "content": "文化路井盖缺失"}
    ).json()
    code, proof = created["tracking_code"], {"X-Query-Password": created["query_password"]}
    assert api.get(f"/requests/{code}", headers=proof).json()["status"] == "submitted"
    # The cache read; the try counted (per code and per client) before the password is
    # checked, and given back once it matched. With REDIS_URL all five go to Redis.
    with django_assert_num_queries(5):
        assert api.get(f"/requests/{code}", headers=proof).json()["status"] == "submitted"
    assert api.get(f"/requests/{code}", {"password": "nope"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        svc.ticket_accept(
            ticket_id=Ticket.objects.get(tracking_code=code).pk, actor=Actor.staff(staff["intake"])
        )
    assert api.get(f"/requests/{code}", headers=proof).json()["status"] == "accepted"
