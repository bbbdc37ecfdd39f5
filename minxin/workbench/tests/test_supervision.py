"""Supervision pages: the list, opening an order from a request, the unit's response,
closing with an outcome; and every wrong persona refused."""

from __future__ import annotations

import pytest

from minxin.supervision import services as sup
from minxin.supervision.models import SupervisionOrder
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket

Order = SupervisionOrder


def dispatched(city, staff, unit: str = "zhujian"):  # type: ignore[no-untyped-def]
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff[unit].unit_id
    )
    return ticket


def opened(city, staff, unit: str = "zhujian") -> Order:
    ticket = dispatched(city, staff, unit)
    return sup.supervision_open(
        ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="请三日内说明处理情况"
    )


def test_supervisor_opens_an_order_from_the_request_page(client, city, staff):
    ticket = dispatched(city, staff)
    as_user(client, staff["supervisor"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert f"/staff/requests/{ticket.pk}/supervise/" in page
    response = client.post(f"/staff/requests/{ticket.pk}/supervise/", {"note": "请加快办理"})
    order = Order.objects.get(ticket=ticket)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/supervision/{order.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已发起督办" in page
    assert "请加快办理" in page
    assert "发起督办" in page
    assert "办结督办单" in page  # the supervisor may close it
    assert order.unit == staff["zhujian"].unit
    assert order.reason == Order.Reason.MANUAL


def test_blank_note_is_shown_beside_the_form(client, city, staff):
    ticket = dispatched(city, staff)
    as_user(client, staff["supervisor"])
    response = client.post(f"/staff/requests/{ticket.pk}/supervise/", {"note": "  "})
    assert response.status_code == 422
    assert 'id="err-supervise"' in response.content.decode()
    assert not Order.objects.exists()


def test_second_manual_order_is_a_conflict(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["supervisor"])
    response = client.post(f"/staff/requests/{order.ticket_id}/supervise/", {"note": "再次督办"})
    assert response.status_code == 409
    assert Order.objects.count() == 1


@pytest.mark.parametrize("persona", ["intake", "reviewer", "leader", "zhujian", "zhujian_head"])
def test_only_supervisors_may_open(client, city, staff, persona):
    ticket = dispatched(city, staff)
    as_user(client, staff[persona])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert f"/staff/requests/{ticket.pk}/supervise/" not in page
    response = client.post(f"/staff/requests/{ticket.pk}/supervise/", {"note": "督办"})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_other_units_handler_gets_404_on_supervise(client, city, staff):
    ticket = dispatched(city, staff)
    as_user(client, staff["renshe"])
    assert client.post(f"/staff/requests/{ticket.pk}/supervise/", {"note": "x"}).status_code == 404


def test_list_shows_level_and_respond_by_to_supervisors_and_leaders(client, city, staff):
    order = opened(city, staff)
    Order.objects.filter(pk=order.pk).update(level=Order.Level.UNIT_HEAD)
    for persona in ("supervisor", "leader", "admin"):
        page = as_user(client, staff[persona]).get("/staff/supervision/").content.decode()
        assert f"/staff/supervision/{order.pk}/" in page, persona
        assert "第2级 · 单位负责人" in page
        assert "剩余" in page
        home = client.get("/staff/").content.decode()
        assert "进行中的督办单" in home
        assert f"/staff/supervision/{order.pk}/" in home


def test_list_filters_by_state(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["supervisor"])
    assert (
        f"/staff/supervision/{order.pk}/"
        not in client.get("/staff/supervision/?state=closed").content.decode()
    )
    assert (
        f"/staff/supervision/{order.pk}/"
        in client.get("/staff/supervision/?state=all").content.decode()
    )
    assert client.get("/staff/supervision/?state=nonsense").status_code == 200


def test_the_unit_sees_its_orders_and_responds(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["zhujian"])
    assert f"/staff/supervision/{order.pk}/" in client.get("/staff/supervision/").content.decode()
    assert "本单位的督办单" in client.get("/staff/").content.decode()
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert "提交督办回复" in page
    assert "办结督办单" not in page
    response = client.post(
        f"/staff/supervision/{order.pk}/respond/", {"response": "已约谈物业，电梯本周修复"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.RESPONDED
    assert order.responded_by == staff["zhujian"]
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert "单位回复" in page
    assert "已约谈物业" in page
    assert "提交督办回复" not in page


def test_blank_response_keeps_the_form(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["zhujian"])
    response = client.post(f"/staff/supervision/{order.pk}/respond/", {"response": ""})
    assert response.status_code == 422
    assert 'id="err-respond"' in response.content.decode()


def test_supervisor_closes_with_an_outcome_and_the_timeline_shows_it(client, city, staff):
    order = opened(city, staff)
    sup.supervision_respond(order_id=order.pk, actor=as_staff(staff["zhujian"]), response="已整改")
    as_user(client, staff["supervisor"])
    response = client.post(
        f"/staff/supervision/{order.pk}/close/", {"outcome": "resolved", "note": "核实属实"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.CLOSED
    assert order.outcome == "resolved"
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    for step in ("发起督办", "单位回复", "办结", "已整改 核实属实"):
        assert step in page
    assert "当前状态下您没有可执行的操作" in page


def test_close_without_outcome_is_refused(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["supervisor"])
    response = client.post(f"/staff/supervision/{order.pk}/close/", {"outcome": ""})
    assert response.status_code == 422
    order.refresh_from_db()
    assert order.state == Order.State.OPEN


def test_intake_reads_orders_but_neither_answers_a_units_nor_closes_any(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["intake"])
    assert client.get("/staff/supervision/").status_code == 200
    page = client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert f"/staff/supervision/{order.pk}/respond/" not in page
    assert (
        client.post(f"/staff/supervision/{order.pk}/respond/", {"response": "已办"}).status_code
        == 403
    )
    assert (
        client.post(f"/staff/supervision/{order.pk}/close/", {"outcome": "resolved"}).status_code
        == 403
    )
    order.refresh_from_db()
    assert order.state == Order.State.OPEN
    assert order.response == ""


@pytest.mark.parametrize("persona", ["reviewer", "callback", "oversight"])
def test_roles_without_supervision_are_refused_403(client, city, staff, persona):
    order = opened(city, staff)
    as_user(client, staff[persona])
    assert client.get("/staff/supervision/").status_code == 403
    assert client.get(f"/staff/supervision/{order.pk}/").status_code == 403
    assert (
        client.post(f"/staff/supervision/{order.pk}/close/", {"outcome": "resolved"}).status_code
        == 403
    )
    assert "/staff/supervision/" not in client.get("/staff/").content.decode()


def test_another_units_order_does_not_exist_for_them(client, city, staff):
    order = opened(city, staff)
    as_user(client, staff["renshe"])
    assert (
        f"/staff/supervision/{order.pk}/" not in client.get("/staff/supervision/").content.decode()
    )
    assert client.get(f"/staff/supervision/{order.pk}/").status_code == 404
    assert (
        client.post(f"/staff/supervision/{order.pk}/respond/", {"response": "x"}).status_code == 404
    )
    order.refresh_from_db()
    assert order.state == Order.State.OPEN


@pytest.mark.parametrize("persona", ["zhujian", "zhujian_head", "leader"])
def test_units_and_leaders_cannot_close(client, city, staff, persona):
    order = opened(city, staff)
    as_user(client, staff[persona])
    assert (
        client.post(f"/staff/supervision/{order.pk}/close/", {"outcome": "resolved"}).status_code
        == 403
    )
    order.refresh_from_db()
    assert order.state == Order.State.OPEN


@pytest.mark.parametrize("persona", ["supervisor", "leader"])
def test_citywide_roles_cannot_respond_for_the_unit(client, city, staff, persona):
    order = opened(city, staff)
    as_user(client, staff[persona])
    assert "提交督办回复" not in client.get(f"/staff/supervision/{order.pk}/").content.decode()
    assert (
        client.post(f"/staff/supervision/{order.pk}/respond/", {"response": "x"}).status_code == 403
    )


def test_pages_need_login(client, city, staff):
    order = opened(city, staff)
    for path in ("/staff/supervision/", f"/staff/supervision/{order.pk}/"):
        assert client.get(path).status_code == 302
    assert (
        client.post(f"/staff/supervision/{order.pk}/close/", {"outcome": "resolved"}).status_code
        == 302
    )
