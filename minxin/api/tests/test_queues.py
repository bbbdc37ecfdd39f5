"""The staff API's queues take the workbench's sort and filter parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from minxin.core import clock
from minxin.risk.models import TicketInsight
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import submit, to_signed

pytestmark = pytest.mark.django_db


def _ticket(
    city: dict, title: str, *, kind: str = "complaint", risk: str = "low", days_ago: int = 0
) -> Ticket:
    ticket, _ = submit(city, kind=kind, title=title)
    TicketInsight.objects.filter(ticket=ticket).update(risk_level=risk)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=clock.now() - dt.timedelta(days=days_ago, minutes=ticket.pk)
    )
    return ticket


def _titles(api, token: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = api.get(f"/staff/queues/intake?{query}", token=token)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()]


def test_sorts_and_filters_match_the_workbench(api, city):
    _ticket(city, "旧投诉", days_ago=2)
    _ticket(city, "新投诉")
    _ticket(city, "一件咨询", kind="consultation", days_ago=1)
    token = api.login("intake")
    assert _titles(api, token, "sort=newest") == ["新投诉", "一件咨询", "旧投诉"]
    assert _titles(api, token, "sort=oldest") == ["旧投诉", "一件咨询", "新投诉"]
    assert _titles(api, token, "sort=oldest&type=complaint") == ["旧投诉", "新投诉"]
    assert _titles(api, token, "type=complaint&risk=high") == []


def test_critical_requests_come_first_in_the_intake_queue(api, city):
    _ticket(city, "普通投诉")
    _ticket(city, "煤气泄漏", risk="critical", days_ago=3)
    token = api.login("intake")
    assert _titles(api, token, "sort=newest") == ["煤气泄漏", "普通投诉"]
    assert _titles(api, token, "risk=critical") == ["煤气泄漏"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=up", "sort"),
        ("risk=huge", "risk"),
        ("category=x", "category"),
        ("overdue=2", "overdue"),
    ],
)
def test_a_bad_parameter_answers_422_naming_it(api, city, query, field):
    response = api.get(f"/staff/queues/intake?{query}", token=api.login("intake"))
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid_filter"
    assert body["field"] == field


def test_another_units_handler_gets_nothing_whatever_the_filters(api, city, staff):
    to_signed(_ticket(city, "住建局的投诉"), staff)
    mine = api.get("/staff/queues/handling?type=complaint", token=api.login("zhujian"))
    assert [row["title"] for row in mine.json()] == ["住建局的投诉"]
    other = api.get("/staff/queues/handling?type=complaint", token=api.login("renshe"))
    assert other.status_code == 200
    assert other.json() == []
