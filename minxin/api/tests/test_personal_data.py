"""A citizen exports and erases their personal data over the API."""

from __future__ import annotations

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.tickets.models import Ticket
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db
PHONE = "13700009999"


def test_export_then_erase(api, city):
    ticket, _ = submit(city, phone=PHONE)
    me = {"X-Citizen-Token": citizen_token_issue(phone=PHONE)}
    exported = api.get("/me/data", headers=me)
    assert exported.status_code == 200
    assert PHONE in str(exported.json())
    assert ticket.display_code in str(exported.json())
    assert api.post("/me/erase", {"confirm": False}, headers=me).status_code == 422
    erased = api.post("/me/erase", {"confirm": True}, headers=me)
    assert erased.status_code == 200
    assert erased.json()["requests"] == 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.submitter_phone == ""
    assert ticket.submitter_name == ""
    assert ticket.title == "小区电梯故障"  # the request itself remains, anonymised


def test_rights_need_a_verified_phone(api, city):
    assert api.get("/me/data").status_code == 403
    assert api.post("/me/erase", {"confirm": True}).status_code == 403
