"""Each role's home page leads with that role's own work."""

from __future__ import annotations

import datetime as dt

import pytest

from minxin.core import clock
from minxin.tickets import services as svc
from minxin.tickets.models import OversightShare, Stage, Ticket
from minxin.tickets.tests.helpers import as_staff, to_signed
from minxin.workbench.tests.helpers import as_user, new_ticket


def home(client, user) -> str:
    response = as_user(client, user).get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, key: str) -> str:
    return page.split(f'id="sec-{key}"')[1].split("</section>")[0]


def test_intake_sees_the_intake_queue_with_suggestions(client, city, staff):
    ticket = new_ticket(city)
    page = home(client, staff["intake"])
    assert "待受理" in page
    assert ticket.display_code in page
    # 物业管理 in 和平区 is owned by the district itself (Responsibility per district).
    assert "建议主办单位" in page
    assert "和平区" in page
    assert 'name="ticket"' in page  # bulk dispatch checkboxes


def test_handler_sees_inbox_and_handling(client, city, staff):
    waiting = new_ticket(city, title="待签收的诉求")
    svc.ticket_dispatch(
        ticket_id=waiting.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    signed = to_signed(new_ticket(city, title="办理中的诉求"), staff)
    page = home(client, staff["zhujian"])
    assert "待签收" in page
    assert waiting.display_code in page
    assert "办理中" in page
    assert signed.display_code in page
    assert "即将超期" in page
    assert "已超期" in page


def test_handler_of_another_unit_sees_none_of_it(client, city, staff):
    signed = to_signed(new_ticket(city), staff)
    assert signed.display_code not in home(client, staff["renshe"])


def test_unit_head_sees_sub_unit_work(client, city, staff):
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["nanhu"].unit_id
    )
    assert ticket.display_code in home(client, staff["heping_head"])


def test_overdue_and_due_soon_for_the_unit(client, city, staff):
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    clock.freeze(clock.now() + dt.timedelta(days=10))
    overdue = section(home(client, staff["zhujian"]), "overdue")
    assert ticket.display_code in overdue
    assert "已超期" in overdue


def test_reviewer_sees_the_review_queue(client, city, staff):
    ticket = to_signed(new_ticket(city), staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="核实",
        solved=True,
        public_reply="已修复",
    )
    page = home(client, staff["reviewer"])
    assert "待审核" in page
    assert ticket.display_code in page


def test_callback_sees_published_requests(client, city, staff):
    ticket = to_signed(new_ticket(city), staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="核实",
        solved=True,
        public_reply="已修复",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    # The SLA sweep moves a request to the callback stage once the citizen's rating
    # window has passed; stand in for it here.
    Ticket.objects.filter(pk=ticket.pk).update(stage=Stage.CALLBACK)
    page = home(client, staff["callback"])
    assert "待回访" in page
    assert ticket.display_code in page


def test_intake_sees_pending_extensions(client, city, staff):
    ticket = to_signed(new_ticket(city), staff)
    svc.ticket_request_extension(
        ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]), days=3, reason="需要协调"
    )
    assert ticket.display_code in section(home(client, staff["intake"]), "extensions")


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_supervisors_and_leaders_see_overdue_lists(client, city, staff, role):
    ticket = to_signed(new_ticket(city), staff)
    clock.freeze(clock.now() + dt.timedelta(days=40))
    page = home(client, staff[role])
    assert "办结超期" in page
    assert ticket.display_code in page


def test_oversight_sees_only_cases_shared_with_them(client, city, staff):
    shared, other = new_ticket(city, title="共享案件"), new_ticket(city, title="未共享案件")
    OversightShare.objects.create(ticket=shared, member=staff["oversight"])
    page = home(client, staff["oversight"])
    assert "共享给我的案件" in page
    assert shared.display_code in page
    assert other.display_code not in page


def test_queue_page_lists_everything(client, city, staff):
    tickets = [new_ticket(city, title=f"诉求{i}") for i in range(3)]
    page = as_user(client, staff["intake"]).get("/staff/queues/intake/").content.decode()
    assert all(t.display_code in page for t in tickets)
    assert "批量派遣所选诉求" in page
    assert "建议主办单位" in page
    assert client.get("/staff/queues/nope/").status_code == 404
