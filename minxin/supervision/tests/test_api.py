"""Supervision, inbox, oversight and unit records over the API, with the wrong personas."""

from __future__ import annotations

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.supervision.models import OversightEvaluation, SupervisionOrder
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

pytestmark = pytest.mark.django_db


def closed(city, staff) -> Ticket:
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="f",
        solved=True,
        public_reply="p",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), satisfaction="basic"
    )
    return ticket


def test_a_supervisor_opens_the_unit_responds_the_supervisor_closes(api, city, staff):
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    for persona in ("intake", "zhujian", "reviewer", "leader"):
        refused = api.post(
            f"/staff/requests/{ticket.pk}/supervise", {"note": "加快办理"}, token=api.login(persona)
        )
        assert refused.status_code == 403, persona
    opened = api.post(
        f"/staff/requests/{ticket.pk}/supervise",
        {"note": "加快办理"},
        token=api.login("supervisor"),
    )
    assert opened.status_code == 200
    assert opened.json()["reason"] == "manual"
    order_id = opened.json()["id"]
    again = api.post(
        f"/staff/requests/{ticket.pk}/supervise", {"note": "再次"}, token=api.login("supervisor")
    )
    assert again.status_code == 409
    inbox = api.get("/staff/inbox", token=api.login("zhujian")).json()
    assert any(m["event"] == "supervision" for m in inbox)
    assert (
        api.post(
            f"/staff/supervision/{order_id}/respond",
            {"response": "已处理"},
            token=api.login("renshe"),
        ).status_code
        == 404
    )
    responded = api.post(
        f"/staff/supervision/{order_id}/respond",
        {"response": "已安排维修"},
        token=api.login("zhujian"),
    )
    assert responded.json()["state"] == "responded"
    assert (
        api.post(
            f"/staff/supervision/{order_id}/close",
            {"outcome": "resolved"},
            token=api.login("zhujian"),
        ).status_code
        == 403
    )
    done = api.post(
        f"/staff/supervision/{order_id}/close",
        {"outcome": "resolved"},
        token=api.login("supervisor"),
    )
    assert done.json()["state"] == "closed"
    record = api.get(
        f"/staff/units/{staff['zhujian'].unit_id}/record", token=api.login("leader")
    ).json()
    assert record["supervision"]["by_outcome"] == {"resolved": 1}


def test_oversight_members_evaluate_only_shared_cases_and_units_see_it(api, city, staff):
    ticket = closed(city, staff)
    member = staff["oversight"]
    body = {"timeliness": "good", "quality": "fair", "attitude": "good", "comment": "答复及时"}
    assert (
        api.post(
            f"/staff/requests/{ticket.pk}/evaluation", body, token=api.login("oversight")
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/staff/requests/{ticket.pk}/oversight-share",
            {"member_ids": [member.pk]},
            token=api.login("zhujian"),
        ).status_code
        == 403
    )
    shared = api.post(
        f"/staff/requests/{ticket.pk}/oversight-share",
        {"member_ids": [member.pk]},
        token=api.login("admin"),
    )
    assert shared.json() == {"shared": 1}
    view = api.get(f"/staff/requests/{ticket.pk}", token=api.login("oversight")).json()
    assert view["submitter_phone"] == "" or "****" in view["submitter_phone"]
    assert (
        api.post(
            f"/staff/requests/{ticket.pk}/evaluation", body, token=api.login("oversight")
        ).status_code
        == 200
    )
    assert (
        api.post(
            f"/staff/requests/{ticket.pk}/evaluation", body, token=api.login("oversight")
        ).status_code
        == 409
    )
    unit_view = api.get(f"/staff/requests/{ticket.pk}", token=api.login("zhujian")).json()
    assert unit_view["evaluations"][0]["comment"] == "答复及时"
    assert OversightEvaluation.objects.get().unit_id == staff["zhujian"].unit_id
    for action in ("archive", "sign"):
        assert api.post(
            f"/staff/requests/{ticket.pk}/{action}", token=api.login("oversight")
        ).status_code in (403, 409)


def test_unit_records_are_for_leaders_and_the_units_own_head(api, city, staff):
    unit_id = staff["zhujian"].unit_id
    assert (
        api.get(f"/staff/units/{unit_id}/record", token=api.login("zhujian_head")).status_code
        == 200
    )
    for persona in ("zhujian", "renshe", "oversight"):
        assert (
            api.get(f"/staff/units/{unit_id}/record", token=api.login(persona)).status_code == 403
        ), persona
    citizen = {"X-Citizen-Token": citizen_token_issue(phone="13800001111")}
    assert api.get(f"/staff/units/{unit_id}/record", headers=citizen).status_code == 401


def test_delivery_status_is_visible_on_the_request(api, city, staff):
    ticket, _ = submit(city, phone="13800001111")
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    detail = api.get(f"/staff/requests/{ticket.pk}", token=api.login("intake")).json()
    assert [(n["channel"], n["event"]) for n in detail["notifications"]] == [("sms", "accepted")]
    assert SupervisionOrder.objects.count() == 0


def test_a_unit_record_covers_the_period_asked_for(api, city, staff):
    closed(city, staff)
    unit_id = staff["zhujian"].unit_id
    token = api.login("leader")
    record = api.get(f"/staff/units/{unit_id}/record", token=token).json()
    assert record["ratings"]["basic"] == 1
    assert record["rates"]["basic"] == 1.0
    assert record["led"] == 1
    assert record["closed"] == 1
    old = api.get(
        f"/staff/units/{unit_id}/record?from=2020-01-01&to=2020-12-31", token=token
    ).json()
    assert old["period"] == {"from": "2020-01-01", "to": "2020-12-31"}
    assert old["ratings"]["basic"] == 0
    assert old["rates"]["basic"] is None
    bad = api.get(f"/staff/units/{unit_id}/record?from=2020-02-30", token=token)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "from"


def test_notes_past_their_limit_are_refused_in_the_pages_words(api, city, staff):
    ticket, _ = submit(city)
    to_signed(ticket, staff)
    token = api.login("supervisor")
    url = f"/staff/requests/{ticket.pk}/supervise"
    long = api.post(url, {"note": "督" * 1001}, token=token)
    assert long.status_code == 422
    error = long.json()["error"]
    assert (error["code"], error["message"], error["field"]) == (
        "too_long",
        "督办意见不能超过1000字",
        "note",
    )
    opened = api.post(url, {"note": "督" * 1000}, token=token)
    assert opened.status_code == 200, opened.content.decode()
    order_id = opened.json()["id"]
    close = f"/staff/supervision/{order_id}/close"
    refused = api.post(close, {"outcome": "resolved", "note": "结" * 1001}, token=token)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert (error["code"], error["message"], error["field"]) == (
        "too_long",
        "办结说明不能超过1000字",
        "note",
    )
    assert SupervisionOrder.objects.get(pk=order_id).state == "open"
    done = api.post(close, {"outcome": "resolved", "note": "结" * 1000}, token=token)
    assert done.json()["state"] == "closed"
