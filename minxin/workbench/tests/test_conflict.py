"""Two staff acting on the same request: the second is told, and shown the fresh state."""

from __future__ import annotations

from minxin.tickets import services as svc
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket


def test_stale_version_gets_a_conflict_message(client, city, staff):
    ticket = new_ticket(city)
    seen = fresh(ticket).version  # the page was rendered at this version
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), note="同事先受理")
    as_user(client, staff["intake"])
    response = client.post(
        f"/staff/requests/{ticket.pk}/dispatch/",
        {"lead_unit_id": staff["zhujian"].unit_id, "version": seen},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "他人已先行处理" in page
    assert "最新状态" in page
    assert "已受理" in page  # the fresh state
    assert f'name="version" value="{fresh(ticket).version}"' in page
    assert fresh(ticket).status == Status.ACCEPTED


def test_action_no_longer_legal_is_a_conflict_not_a_refusal(client, city, staff):
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian_head"]))
    as_user(client, staff["zhujian"])
    response = client.post(f"/staff/requests/{ticket.pk}/sign/", {"version": fresh(ticket).version})
    assert response.status_code == 409
    assert "办理中" in response.content.decode()


def test_unversioned_service_still_detects_a_stale_page(client, city, staff):
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    seen = fresh(ticket).version
    svc.ticket_request_info(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), note="补充照片")
    response = as_user(client, staff["zhujian"]).post(
        f"/staff/requests/{ticket.pk}/request-extension/",
        {"version": seen, "days": 3, "reason": "协调"},
    )
    assert response.status_code == 409
    assert not fresh(ticket).extensions.exists()


def test_missing_version_is_a_form_error(client, city, staff):
    ticket = new_ticket(city)
    response = as_user(client, staff["intake"]).post(
        f"/staff/requests/{ticket.pk}/dispatch/", {"lead_unit_id": staff["zhujian"].unit_id}
    )
    assert response.status_code == 422
    assert fresh(ticket).status == Status.SUBMITTED
