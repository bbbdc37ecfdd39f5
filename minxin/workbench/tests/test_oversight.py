"""The oversight group on the request page: supervisors and admins share a handled case,
the member evaluates it read-only, the unit sees the evaluation; wrong personas refused."""

from __future__ import annotations

import pytest

from minxin.supervision.models import OversightEvaluation
from minxin.tickets import services as svc
from minxin.tickets.models import OversightShare, Ticket
from minxin.tickets.tests.helpers import as_staff, to_signed
from minxin.workbench.tests.helpers import as_user, new_ticket

GOOD = {"timeliness": "good", "quality": "fair", "attitude": "good", "comment": "答复具体"}


def published(city, staff) -> Ticket:  # type: ignore[no-untyped-def]
    ticket = to_signed(new_ticket(city), staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="电梯已修复",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    return ticket


def shared(city, staff) -> Ticket:  # type: ignore[no-untyped-def]
    ticket = published(city, staff)
    OversightShare.objects.create(ticket=ticket, member=staff["oversight"])
    return ticket


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_supervisor_shares_a_published_case(client, city, staff, persona):
    ticket = published(city, staff)
    as_user(client, staff[persona])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "提交监督小组评议" in page
    assert staff["oversight"].display_name in page
    response = client.post(
        f"/staff/requests/{ticket.pk}/oversight/share/", {"member_ids": [staff["oversight"].pk]}
    )
    assert response.status_code == 302
    assert OversightShare.objects.filter(ticket=ticket, member=staff["oversight"]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "已提交监督小组评议" in page
    assert "（已提交）" in page


def test_sharing_needs_a_member(client, city, staff):
    ticket = published(city, staff)
    as_user(client, staff["supervisor"])
    response = client.post(f"/staff/requests/{ticket.pk}/oversight/share/", {})
    assert response.status_code == 422
    assert 'id="err-share"' in response.content.decode()


def test_a_case_still_being_handled_cannot_be_shared(client, city, staff):
    ticket = to_signed(new_ticket(city), staff)
    as_user(client, staff["supervisor"])
    assert "提交监督小组评议" not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    response = client.post(
        f"/staff/requests/{ticket.pk}/oversight/share/", {"member_ids": [staff["oversight"].pk]}
    )
    assert response.status_code == 409
    assert not OversightShare.objects.exists()


@pytest.mark.parametrize("persona", ["intake", "reviewer", "leader", "zhujian_head"])
def test_other_roles_cannot_share(client, city, staff, persona):
    ticket = published(city, staff)
    as_user(client, staff[persona])
    assert "提交监督小组评议" not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    response = client.post(
        f"/staff/requests/{ticket.pk}/oversight/share/", {"member_ids": [staff["oversight"].pk]}
    )
    assert response.status_code == 403
    assert not OversightShare.objects.exists()


def test_member_evaluates_and_the_unit_sees_it(client, city, staff):
    ticket = shared(city, staff)
    as_user(client, staff["oversight"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "第三方评议" in page
    assert "办理时效" in page
    assert "13800001111" not in page  # personal data stays masked
    response = client.post(f"/staff/requests/{ticket.pk}/oversight/evaluate/", GOOD)
    assert response.status_code == 302
    evaluation = OversightEvaluation.objects.get(ticket=ticket)
    assert (evaluation.quality, evaluation.unit) == ("fair", staff["zhujian"].unit)
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "评议已提交" in page
    assert 'name="timeliness"' not in page
    page = as_user(client, staff["zhujian"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "监督小组评议" in page
    assert "答复具体" in page
    assert "一般" in page


def test_missing_verdict_is_shown_beside_the_form(client, city, staff):
    ticket = shared(city, staff)
    as_user(client, staff["oversight"])
    response = client.post(
        f"/staff/requests/{ticket.pk}/oversight/evaluate/", {**GOOD, "quality": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="err-evaluate"' in page
    assert "答复具体</textarea>" in page


def test_evaluating_twice_is_a_conflict(client, city, staff):
    ticket = shared(city, staff)
    as_user(client, staff["oversight"])
    client.post(f"/staff/requests/{ticket.pk}/oversight/evaluate/", GOOD)
    response = client.post(f"/staff/requests/{ticket.pk}/oversight/evaluate/", GOOD)
    assert response.status_code == 409
    assert OversightEvaluation.objects.count() == 1


def test_member_cannot_evaluate_a_case_not_shared_with_them(client, city, staff):
    ticket = published(city, staff)
    as_user(client, staff["oversight"])
    assert client.get(f"/staff/requests/{ticket.pk}/").status_code == 404
    response = client.post(f"/staff/requests/{ticket.pk}/oversight/evaluate/", GOOD)
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["supervisor", "zhujian", "admin"])
def test_only_oversight_members_evaluate(client, city, staff, persona):
    ticket = shared(city, staff)
    as_user(client, staff[persona])
    assert 'name="timeliness"' not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    response = client.post(f"/staff/requests/{ticket.pk}/oversight/evaluate/", GOOD)
    assert response.status_code == 403
    assert not OversightEvaluation.objects.exists()
