"""GET /staff/requests/{id}/insight and who may call it."""

from __future__ import annotations

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.risk.models import TicketInsight
from minxin.similar.tests.helpers import submit_message
from minxin.similar.tests.shared_data import message
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff

pytestmark = [pytest.mark.django_db, pytest.mark.urls("minxin.similar.tests.urls")]


@pytest.fixture
def risky(city, staff):
    ticket = submit_message(city, message("complaints-sample-raw.csv", "26255"))
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    return ticket


def test_staff_who_see_the_request_see_its_insight(api, risky):
    for persona in ("intake", "supervisor", "zhujian"):
        response = api.get(f"/staff/requests/{risky.pk}/insight", token=api.login(persona))
        assert response.status_code == 200, (persona, response.content)
        body = response.json()
        assert (body["risk_level"], body["risk_label"]) == ("critical", "紧急")
        assert body["keywords"]
        assert body["signals"]["terms"]
        assert 0 <= body["anger"] <= 1
        assert 0 <= body["urgency"] <= 1


def test_the_wrong_personas_are_refused(api, risky):
    path = f"/staff/requests/{risky.pk}/insight"
    assert api.get(path).status_code == 401
    citizen = {"X-Citizen-Token": citizen_token_issue(phone="13800001111")}
    assert api.get(path, headers=citizen).status_code == 401
    for persona in ("renshe", "oversight"):
        response = api.get(path, token=api.login(persona))
        assert response.status_code == 404, persona
        assert "risk_level" not in response.json()


def test_a_request_without_analysis_is_a_clear_404(api, risky):
    TicketInsight.objects.filter(ticket=risky).delete()
    response = api.get(f"/staff/requests/{risky.pk}/insight", token=api.login("intake"))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "insight_not_found")
