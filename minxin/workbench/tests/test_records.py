"""Unit records: citywide roles read every unit's, a unit head their own; others refused."""

from __future__ import annotations

import pytest

from minxin.supervision import services as sup
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket


def supervised(city, staff):  # type: ignore[no-untyped-def]
    ticket = new_ticket(city)
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=as_staff(staff["intake"]),
                        lead_unit_id=staff["zhujian"].unit_id)
    return sup.supervision_open(ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]),
                                note="督办")


@pytest.mark.parametrize("persona", ["leader", "supervisor", "admin", "intake"])
def test_citywide_roles_read_any_units_record(client, city, staff, persona):
    supervised(city, staff)
    unit = staff["zhujian"].unit
    as_user(client, staff[persona])
    index = client.get("/staff/units/").content.decode()
    assert f"/staff/units/{unit.pk}/record/" in index
    page = client.get(f"/staff/units/{unit.pk}/record/").content.decode()
    assert "市住房和城乡建设局 · 考核记录" in page
    assert "<td>督办单（件）</td><td>1</td>" in page
    assert "<td>其中人工督办</td><td>1</td>" in page
    assert "<td>主办诉求（件）</td><td>1</td>" in page


def test_unit_head_reads_their_own_unit_only(client, city, staff):
    own, other = staff["zhujian"].unit, staff["renshe"].unit
    as_user(client, staff["zhujian_head"])
    assert f'href="/staff/units/{own.pk}/record/"' in client.get("/staff/").content.decode()
    assert client.get(f"/staff/units/{own.pk}/record/").status_code == 200
    assert client.get(f"/staff/units/{other.pk}/record/").status_code == 403
    index = client.get("/staff/units/").content.decode()
    assert f"/staff/units/{own.pk}/record/" in index
    assert f"/staff/units/{other.pk}/record/" not in index


def test_district_head_reads_the_streets_below(client, city, staff):
    street = city["units"]["nanhu"]
    as_user(client, staff["heping_head"])
    assert client.get(f"/staff/units/{street.pk}/record/").status_code == 200
    assert client.get(f"/staff/units/{city['units']['shenhe'].pk}/record/").status_code == 403


@pytest.mark.parametrize("persona", ["zhujian", "oversight"])
def test_handlers_and_oversight_are_refused(client, city, staff, persona):
    unit = staff["zhujian"].unit
    as_user(client, staff[persona])
    assert client.get("/staff/units/").status_code == 403
    assert client.get(f"/staff/units/{unit.pk}/record/").status_code == 403
    assert "单位考核" not in client.get("/staff/").content.decode()


def test_unknown_unit_is_404_and_login_is_needed(client, city, staff):
    unit = staff["zhujian"].unit
    assert client.get(f"/staff/units/{unit.pk}/record/").status_code == 302
    as_user(client, staff["leader"])
    assert client.get("/staff/units/999999/record/").status_code == 404
