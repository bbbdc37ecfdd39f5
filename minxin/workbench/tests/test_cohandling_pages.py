"""协办 on the pages: co-units get their forms, the lead gets the panel, the centre decides."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.models import Assignment
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket, post_action


def co_dispatched(city, staff):  # type: ignore[no-untyped-def]
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk,
        actor=as_staff(staff["intake"]),
        lead_unit_id=staff["zhujian"].unit_id,
        co_unit_ids=[staff["huanbao"].unit_id, staff["heping"].unit_id],
    )
    return ticket


def test_a_co_unit_finds_the_request_on_its_home_and_acts_on_its_part(client, city, staff):
    ticket = co_dispatched(city, staff)
    as_user(client, staff["huanbao"])
    home = client.get("/staff/").content.decode()
    assert 'id="sec-co"' in home
    assert ticket.display_code in home
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "签收协办任务" in page
    assert f"/staff/requests/{ticket.pk}/sign/" not in page
    stale = fresh(ticket).version
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))  # the lead moves on
    response = client.post(f"/staff/requests/{ticket.pk}/co-sign/", {"version": stale})
    assert response.status_code == 302  # a co part is not made stale by the lead's step
    response = post_action(client, ticket, "co-opinion", note="已核查，排放达标")
    assert response.status_code == 302
    part = Assignment.objects.get(ticket=ticket, unit=staff["huanbao"].unit)
    assert (part.status, part.opinion) == ("done", "已核查，排放达标")
    assert post_action(client, ticket, "co-opinion", note="再来一次").status_code == 409


def test_the_lead_sees_every_part_and_must_say_why_it_goes_ahead(client, city, staff):
    ticket = co_dispatched(city, staff)
    cohandling.co_part_sign(ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]))
    cohandling.co_part_opinion(
        ticket_id=ticket.pk, actor=as_staff(staff["huanbao"]), note="已核查，排放达标"
    )
    svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
    as_user(client, staff["zhujian"])
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "协办情况" in page
    assert "已核查，排放达标" in page
    assert "和平区" in page
    assert "先行答复的理由" in page
    assert post_action(client, ticket, "co-sign").status_code == 403


def test_the_centre_decides_a_returned_part_from_the_page(client, city, staff):
    ticket = co_dispatched(city, staff)
    cohandling.co_part_return(
        ticket_id=ticket.pk, actor=as_staff(staff["heping"]), reason="非本区职责"
    )
    as_user(client, staff["intake"])
    assert 'id="sec-co_returned"' in client.get("/staff/").content.decode()
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "非本区职责" in page
    assert "维持协办" in page
    response = post_action(
        client, ticket, "co-decide", unit_id=staff["heping"].unit_id, decision="release"
    )
    assert response.status_code == 302
    part = Assignment.objects.get(ticket=ticket, unit=staff["heping"].unit)
    assert (part.status, part.active) == ("released", False)


def test_a_co_units_detail_page_looks_its_part_up_once(client, city, staff):
    ticket = co_dispatched(city, staff)
    as_user(client, staff["huanbao"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "签收协办任务" in page
    # co_part_of's query: the user's unit path among the request's active co parts.
    lookups = [q for q in queries if "LIKE" in q["sql"] and '"role" = ' in q["sql"]]
    assert len(lookups) == 1, [q["sql"] for q in lookups]
