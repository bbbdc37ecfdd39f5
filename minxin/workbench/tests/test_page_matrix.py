"""Every staff page against every persona: nobody unauthenticated gets in, nothing answers
500, and a request's page opens only for those whose scope includes it."""

from __future__ import annotations

import pytest

from minxin.supervision.services import open_order
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket

PERSONAS = [
    "intake",
    "zhujian",
    "zhujian_head",
    "renshe",
    "reviewer",
    "callback",
    "supervisor",
    "oversight",
    "leader",
    "admin",
]
PAGES = [
    "/staff/",
    "/staff/queues/intake/",
    "/staff/search/",
    "/staff/search/export.xlsx",
    "/staff/supervision/",
    "/staff/inbox/",
    "/staff/units/",
    "/staff/account/totp/",
    "/staff/requests/{ticket}/",
    "/staff/supervision/{order}/",
    "/staff/units/{unit}/record/",
]
# Who may open the pages about one request dispatched to 住建局 (and its order and record).
SCOPED = {
    "/staff/requests/{ticket}/": {
        "intake",
        "zhujian",
        "zhujian_head",
        "reviewer",
        "callback",
        "supervisor",
        "leader",
        "admin",
    },
    # Intake reads orders too: those about requests not yet dispatched are addressed to it.
    "/staff/supervision/{order}/": {
        "intake",
        "zhujian",
        "zhujian_head",
        "supervisor",
        "leader",
        "admin",
    },
    "/staff/units/{unit}/record/": {
        "zhujian_head",
        "supervisor",
        "leader",
        "admin",
        "intake",
        "reviewer",
        "callback",
    },
}


@pytest.fixture
def ids(city, staff) -> dict:
    ticket = svc.ticket_dispatch(
        ticket_id=new_ticket(city).pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
    )
    order = open_order(
        ticket, reason="manual", actor=Actor.staff(staff["supervisor"]), note="加快办理"
    )
    return {"ticket": ticket.pk, "order": order.pk, "unit": staff["zhujian"].unit_id}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_page_against_every_persona(client, city, staff, ids, page):
    url = page.format(**ids)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/staff/login/" in anonymous["Location"]
    for persona in PERSONAS:
        client.logout()
        status = as_user(client, staff[persona]).get(url).status_code
        assert status in (200, 302, 403, 404), (persona, status)
        if page in SCOPED:
            allowed = persona in SCOPED[page]
            assert (status == 200) == allowed, (persona, status)
