"""协办 and 单位审核 over the staff API: the parts in the detail, the actions, bad input."""

from __future__ import annotations

import pytest

from minxin.tickets import services as svc
from minxin.tickets.models import Assignment, Ticket
from minxin.tickets.tests.helpers import as_staff, submit

pytestmark = pytest.mark.django_db


def co_dispatched(city, staff) -> Ticket:
    ticket, _ = submit(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return ticket


def parts_state(ticket: Ticket) -> list:
    return list(
        Assignment.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("status", "opinion", "active")
    )


def test_the_staff_detail_lists_the_co_parts_with_their_clocks(api, city, staff):
    ticket = co_dispatched(city, staff)
    detail = api.get(f"/staff/requests/{ticket.pk}", token=api.login("zhujian")).json()
    parts = {p["unit"]: p for p in detail["co_parts"]}
    assert set(parts) == {"市生态环境局", "和平区"}
    for part in parts.values():
        assert part["status"] == "pending"
        assert part["due_at"]
        assert part["opinion"] == ""
        assert {"unit_id", "unit", "status", "due_at", "opinion"} <= set(part)
    co_view = api.get(f"/staff/requests/{ticket.pk}", token=api.login("huanbao")).json()
    assert co_view["actions"] == ["co_sign", "co_return"]
    assert api.get("/staff/queues/co", token=api.login("huanbao")).json()[0]["id"] == ticket.pk


def test_a_co_unit_signs_and_gives_its_opinion_which_the_lead_reads(api, city, staff):
    ticket = co_dispatched(city, staff)
    token = api.login("huanbao")
    assert api.post(f"/staff/requests/{ticket.pk}/co-sign", token=token).status_code == 200
    answer = api.post(
        f"/staff/requests/{ticket.pk}/co-opinion", {"note": "已现场检查，排污口已封堵"}, token=token
    )
    assert answer.status_code == 200, answer.content
    lead = api.get(f"/staff/requests/{ticket.pk}", token=api.login("zhujian")).json()
    (done,) = [p for p in lead["co_parts"] if p["unit_id"] == staff["huanbao"].unit_id]
    assert (done["status"], done["opinion"]) == ("done", "已现场检查，排污口已封堵")
    citizen = api.get(f"/requests/{ticket.tracking_code}").json()
    assert "排污口" not in str(citizen)


def test_bad_co_input_gets_a_clear_answer_and_changes_nothing(api, city, staff):
    ticket = co_dispatched(city, staff)
    url = f"/staff/requests/{ticket.pk}"
    huanbao, renshe, lead = api.login("huanbao"), api.login("renshe"), api.login("zhujian")
    before = parts_state(ticket)
    assert api.post(f"{url}/co-sign", token=lead).status_code == 403  # the lead unit
    assert api.post(f"{url}/co-opinion", {"note": "意见"}, token=renshe).status_code == 404
    assert api.post(f"{url}/co-opinion", {"note": "先写意见"}, token=huanbao).status_code == 409
    assert parts_state(ticket) == before
    api.post(f"{url}/co-sign", token=huanbao)
    empty = api.post(f"{url}/co-opinion", {"note": "  "}, token=huanbao)
    assert empty.status_code in (400, 422)
    assert "协办意见" in empty.json()["error"]["message"]
    assert api.post(f"{url}/co-opinion", {"note": "一"}, token=huanbao).status_code == 200
    twice = api.post(f"{url}/co-opinion", {"note": "二"}, token=huanbao)
    assert twice.status_code == 409
    assert api.post(f"{url}/co-return", {"reason": ""}, token=api.login("heping")).status_code in (
        400,
        422,
    )


def test_a_lead_reply_with_an_open_part_needs_a_reason(api, city, staff):
    ticket = co_dispatched(city, staff)
    lead = api.login("zhujian")
    api.post(f"/staff/requests/{ticket.pk}/sign", {}, token=lead)
    body = {"facts": "已核实", "solved": True, "public_reply": "已处理"}
    refused = api.post(f"/staff/requests/{ticket.pk}/reply", body, token=lead)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "co_parts_open"
    body["proceed_reason"] = "协办单位已电话反馈"
    assert api.post(f"/staff/requests/{ticket.pk}/reply", body, token=lead).status_code == 200


def test_unit_approve_without_an_approval_step_is_a_conflict(api, city, staff):
    ticket, _ = submit(city)
    intake, lead = api.login("intake"), api.login("zhujian")
    api.post(
        f"/staff/requests/{ticket.pk}/dispatch",
        {"lead_unit_id": staff["zhujian"].unit_id},
        token=intake,
    )
    api.post(f"/staff/requests/{ticket.pk}/sign", {}, token=lead)
    api.post(
        f"/staff/requests/{ticket.pk}/reply",
        {"facts": "f", "solved": True, "public_reply": "p"},
        token=lead,
    )
    response = api.post(
        f"/staff/requests/{ticket.pk}/unit-approve",
        {"note": "同意"},
        token=api.login("zhujian_head"),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "unit_review_off"
    assert Ticket.objects.get(pk=ticket.pk).status == "replied"
