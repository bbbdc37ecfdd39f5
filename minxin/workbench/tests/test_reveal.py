"""Submitter contacts are masked; a reveal needs a role, a reason, and leaves a trace."""

from __future__ import annotations

import pytest

from minxin.privacy.models import RevealLog as ContactReveal
from minxin.tickets import services as svc
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket

PHONE = "13812345678"


def with_second_factor(client, user):  # type: ignore[no-untyped-def]
    """Log in as if the TOTP step had been passed (reveals require it)."""
    as_user(client, user)
    session = client.session
    session["wb_second_factor"] = True
    session.save()
    return client


def test_contact_is_masked_by_default(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    page = as_user(client, staff["intake"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "138****5678" in page
    assert PHONE not in page
    assert "张*" in page
    assert "张三" not in page
    assert "查看完整联系方式" in page


@pytest.mark.parametrize("role", ["intake", "admin", "supervisor"])
def test_reveal_shows_and_logs(client, city, staff, role):
    ticket = new_ticket(city, phone=PHONE)
    response = with_second_factor(client, staff[role]).post(
        f"/staff/requests/{ticket.pk}/reveal/", {"reason": "需电话核实地址"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert PHONE in page
    assert "张三" in page
    assert "本次查看已记录" in page
    assert "no-store" in response["Cache-Control"]
    reveal = ContactReveal.objects.get()
    assert (reveal.user, reveal.ticket_id, reveal.reason) == (
        staff[role],
        ticket.pk,
        "需电话核实地址",
    )
    event = TimelineEvent.objects.get(ticket=ticket, action="reveal_contact")
    assert not event.public
    assert "需电话核实地址" in event.note
    # A later ordinary view is masked again.
    assert PHONE not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()


def test_reveal_needs_a_reason(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    response = with_second_factor(client, staff["intake"]).post(
        f"/staff/requests/{ticket.pk}/reveal/", {"reason": "  "}
    )
    assert response.status_code == 422
    assert "请填写查看理由" in response.content.decode()
    assert PHONE not in response.content.decode()
    assert not ContactReveal.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "callback", "leader", "zhujian"])
def test_other_roles_cannot_reveal(client, city, staff, role):
    ticket = new_ticket(city, phone=PHONE)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    as_user(client, staff[role])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "查看完整联系方式" not in page
    response = client.post(f"/staff/requests/{ticket.pk}/reveal/", {"reason": "想看看"})
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not ContactReveal.objects.exists()


def test_reveal_of_an_invisible_request_is_404(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    response = as_user(client, staff["zhujian"]).post(
        f"/staff/requests/{ticket.pk}/reveal/", {"reason": "x"}
    )
    assert response.status_code in (403, 404)
    assert not ContactReveal.objects.exists()


def test_reveal_needs_a_session_that_passed_the_second_factor(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    response = as_user(client, staff["intake"]).post(
        f"/staff/requests/{ticket.pk}/reveal/", {"reason": "需电话核实地址"}
    )
    assert response.status_code == 403
    assert "两步验证" in response.content.decode()
    assert PHONE not in response.content.decode()
    assert not ContactReveal.objects.exists()
