"""风险预警 on the home page: high and critical requests first, until they are answered."""

from __future__ import annotations

import pytest

from minxin.risk.models import TicketInsight
from minxin.tickets import services as svc
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import as_staff, to_signed
from minxin.workbench.tests.helpers import as_user, new_ticket

pytestmark = pytest.mark.django_db


def _at(level: str, city: dict, title: str) -> Ticket:
    ticket = new_ticket(city, title=title)
    TicketInsight.objects.filter(ticket=ticket).update(risk_level=level)
    return ticket


def _home(client, user) -> str:  # type: ignore[no-untyped-def]
    return as_user(client, user).get("/staff/").content.decode()


def test_risky_requests_head_the_home_page_critical_first(client, city, staff):
    new_ticket(city, title="普通的咨询")
    high = _at("high", city, "小区停水三天居民聚集")
    critical = _at("critical", city, "楼道煤气味很重")
    for role in ("supervisor", "intake", "leader"):
        page = _home(client, staff[role])
        alerts = page[page.index('id="sec-risk"') :]
        first = page.index("<section", page.index("</h1>"))  # above the orders and queues
        assert page.startswith(
            '<section class="panel panel-alert" aria-labelledby="sec-risk"', first
        ), role
        assert alerts.index(critical.title) < alerts.index(high.title), role
        assert "普通的咨询" not in alerts[: alerts.index("</section>")]


def test_the_list_is_left_out_when_nothing_is_risky(client, city, staff):
    new_ticket(city, title="普通的咨询")
    assert 'id="sec-risk"' not in _home(client, staff["supervisor"])


def test_an_answered_request_leaves_the_list(client, city, staff):
    ticket = _at("critical", city, "楼道煤气味很重")
    to_signed(ticket, staff, unit="zhujian")
    assert "楼道煤气味很重" in _home(client, staff["supervisor"])
    client.logout()
    # The unit's own list marks it; the 风险预警 list is the citywide roles'.
    page = _home(client, staff["zhujian"])
    assert 'id="sec-risk"' not in page
    assert "楼道煤气味很重" in page
    assert "紧急风险" in page
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="燃气公司当天上门检修。",
        solved=True,
        public_reply="已联系燃气公司上门检修，确认无泄漏。",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    client.logout()
    assert 'id="sec-risk"' not in _home(client, staff["supervisor"])


def test_the_whole_list_has_its_own_page(client, city, staff):
    ticket = _at("high", city, "小区停水三天居民聚集")
    page = as_user(client, staff["supervisor"]).get("/staff/queues/risk/").content.decode()
    assert "风险预警" in page
    assert ticket.title in page
