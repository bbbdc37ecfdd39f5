"""Wrong personas: requests outside their scope are 404, actions outside their role are
hidden from the page and refused (403) when posted anyway."""

from __future__ import annotations

import pytest

from minxin.tickets import services as svc
from minxin.tickets.models import OversightShare, Status, Ticket
from minxin.tickets.tests.helpers import as_staff, to_signed
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket, post_action


def dispatched(city, staff, unit: str = "zhujian", co: str | None = None) -> Ticket:
    ticket = new_ticket(city)
    co_ids = [staff[co].unit_id] if co else []
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff[unit].unit_id,
        co_unit_ids=co_ids,
    )
    return ticket


def replied(city, staff) -> Ticket:
    ticket = to_signed(new_ticket(city), staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="核实",
        solved=True,
        public_reply="已处理",
    )
    return ticket


def test_handler_of_another_unit_gets_404(client, city, staff):
    ticket = dispatched(city, staff)
    assert as_user(client, staff["renshe"]).get(f"/staff/requests/{ticket.pk}/").status_code == 404
    assert post_action(client, ticket, "sign").status_code == 404
    assert fresh(ticket).status == Status.DISPATCHED


def test_oversight_sees_shared_cases_read_only(client, city, staff):
    ticket = dispatched(city, staff)
    as_user(client, staff["oversight"])
    assert client.get(f"/staff/requests/{ticket.pk}/").status_code == 404
    OversightShare.objects.create(ticket=ticket, member=staff["oversight"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "当前状态下您没有可执行的操作" in page
    assert post_action(client, ticket, "sign").status_code == 403


def test_co_handling_unit_sees_but_cannot_sign(client, city, staff):
    ticket = dispatched(city, staff, co="renshe")
    as_user(client, staff["renshe"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert f"/staff/requests/{ticket.pk}/sign/" not in page
    assert post_action(client, ticket, "sign").status_code == 403
    assert fresh(ticket).status == Status.DISPATCHED


# (persona, action, how to build the request, form fields)
REFUSALS = [
    ("reviewer", "dispatch", "new", {"lead_unit_id": "UNIT"}),
    ("callback", "dispatch", "new", {"lead_unit_id": "UNIT"}),
    ("leader", "dispatch", "new", {"lead_unit_id": "UNIT"}),
    ("supervisor", "reject", "new", {"reason": "x"}),
    ("reviewer", "accept", "new", {}),
    ("intake", "sign", "dispatched", {}),
    ("reviewer", "sign", "dispatched", {}),
    ("admin", "sign", "dispatched", {}),
    ("callback", "return", "dispatched", {"reason": "x"}),
    ("intake", "reply", "signed", {"facts": "x", "solved": "1", "public_reply": "x"}),
    ("zhujian", "approve", "replied", {}),
    ("intake", "approve", "replied", {}),
    ("callback", "send-back", "replied", {"note": "x"}),
    ("zhujian", "rate", "published", {"satisfaction": "satisfied"}),
    ("reviewer", "rate", "published", {"satisfaction": "satisfied"}),
    ("zhujian", "archive", "closed", {}),
    ("zhujian", "decide-extension", "extension", {"decision": "approve"}),
    ("zhujian_head", "dispatch", "returned", {"lead_unit_id": "UNIT"}),
]


def build(state: str, city, staff) -> Ticket:
    if state == "new":
        return new_ticket(city)
    if state == "returned":
        ticket = dispatched(city, staff)
        svc.ticket_return(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), reason="非本单位")
        svc.ticket_dispatch(
            ticket_id=ticket.pk,
            actor=as_staff(staff["intake"]),
            lead_unit_id=staff["zhujian"].unit_id,
        )
        return ticket
    if state == "dispatched":
        return dispatched(city, staff)
    if state == "signed":
        return to_signed(new_ticket(city), staff)
    if state == "extension":
        ticket = to_signed(new_ticket(city), staff)
        svc.ticket_request_extension(
            ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=2, reason="协调"
        )
        return ticket
    ticket = replied(city, staff)
    if state in ("published", "closed"):
        svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    if state == "closed":
        svc.ticket_rate(
            ticket_id=ticket.pk, actor=as_staff(staff["callback"]), satisfaction="satisfied"
        )
    return ticket


@pytest.mark.parametrize(("persona", "action", "state", "form"), REFUSALS)
def test_wrong_persona_is_hidden_and_refused(client, city, staff, persona, action, state, form):
    ticket = build(state, city, staff)
    before = fresh(ticket)
    as_user(client, staff[persona])
    page = client.get(f"/staff/requests/{ticket.pk}/")
    if page.status_code == 200:
        assert f"/staff/requests/{ticket.pk}/{action}/" not in page.content.decode()
    fields = {k: (staff["zhujian"].unit_id if v == "UNIT" else v) for k, v in form.items()}
    if action == "decide-extension":
        fields["extension_id"] = ticket.extensions.get().pk
    response = post_action(client, ticket, action, **fields)
    assert response.status_code in (403, 404)
    after = fresh(ticket)
    assert (after.status, after.version) == (before.status, before.version)


@pytest.mark.parametrize(
    ("persona", "action", "state"),
    [
        ("intake", "dispatch", "new"),
        ("zhujian", "sign", "dispatched"),
        ("zhujian_head", "sign", "dispatched"),
        ("zhujian", "reply", "signed"),
        ("reviewer", "approve", "replied"),
        ("reviewer", "send-back", "replied"),
        ("callback", "rate", "published"),
        ("intake", "decide-extension", "extension"),
    ],
)
def test_right_persona_is_offered_the_action(client, city, staff, persona, action, state):
    ticket = build(state, city, staff)
    page = as_user(client, staff[persona]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert f"/staff/requests/{ticket.pk}/{action}/" in page


def test_unknown_action_and_get_are_refused(client, city, staff):
    ticket = new_ticket(city)
    as_user(client, staff["intake"])
    assert post_action(client, ticket, "explode").status_code == 404
    assert client.get(f"/staff/requests/{ticket.pk}/dispatch/").status_code == 405


def test_every_page_needs_login(client, city, staff):
    ticket = new_ticket(city)
    for path in (
        "/staff/",
        f"/staff/requests/{ticket.pk}/",
        "/staff/search/",
        "/staff/search/export.xlsx",
        "/staff/queues/intake/",
        "/staff/account/totp/",
    ):
        assert client.get(path).status_code == 302, path
    response = client.post(
        f"/staff/requests/{ticket.pk}/dispatch/",
        {"lead_unit_id": staff["zhujian"].unit_id, "version": 1},
    )
    assert response.status_code == 302
    assert fresh(ticket).status == Status.SUBMITTED
