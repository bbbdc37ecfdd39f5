"""Bulk dispatch from the intake queue: each request on its own, conflicts reported."""

from __future__ import annotations

from minxin.tickets import services as svc
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket


def form(tickets, lead: int, versions: dict | None = None) -> dict:
    data: dict = {"ticket": [t.pk for t in tickets], "lead_unit_id": lead}
    for t in tickets:
        data[f"version_{t.pk}"] = (versions or {}).get(t.pk, fresh(t).version)
    return data


def test_bulk_dispatch_reports_each_request(client, city, staff):
    a, b, c = (new_ticket(city, title=f"诉求{i}") for i in range(3))
    versions = {t.pk: fresh(t).version for t in (a, b, c)}
    # Someone else dispatches b after the queue page was rendered.
    svc.ticket_dispatch(
        ticket_id=b.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["renshe"].unit_id
    )
    lead = staff["zhujian"].unit_id
    response = as_user(client, staff["intake"]).post(
        "/staff/bulk/dispatch/", form([a, b, c], lead, versions)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("成功") == 2
    assert "他人已处理" in page
    assert fresh(a).lead_unit_id == lead
    assert fresh(c).lead_unit_id == lead
    assert fresh(b).lead_unit_id == staff["renshe"].unit_id
    assert all(fresh(t).status == Status.DISPATCHED for t in (a, b, c))


def test_bulk_dispatch_with_co_handling_units(client, city, staff):
    ticket = new_ticket(city)
    data = form([ticket], staff["zhujian"].unit_id)
    data["co_unit_ids"] = [city["units"]["chengguan"].pk]
    as_user(client, staff["intake"]).post("/staff/bulk/dispatch/", data)
    roles = set(fresh(ticket).assignments.values_list("unit__code", "role"))
    assert roles == {("zhujian", "lead"), ("chengguan", "co")}


def test_bulk_dispatch_needs_a_selection(client, city, staff):
    response = as_user(client, staff["intake"]).post(
        "/staff/bulk/dispatch/", {"lead_unit_id": staff["zhujian"].unit_id}
    )
    assert response.status_code == 302
    assert "请至少选择一件诉求" in client.get("/staff/").content.decode()


def test_bulk_dispatch_with_a_bad_unit_fails_each_and_changes_nothing(client, city, staff):
    ticket = new_ticket(city)
    response = as_user(client, staff["intake"]).post(
        "/staff/bulk/dispatch/", form([ticket], 999999)
    )
    assert "主办单位不存在" in response.content.decode()
    assert fresh(ticket).status == Status.SUBMITTED


def test_only_intake_may_bulk_dispatch(client, city, staff):
    ticket = new_ticket(city)
    for role in ("reviewer", "zhujian", "leader"):
        response = as_user(client, staff[role]).post(
            "/staff/bulk/dispatch/", form([ticket], staff["zhujian"].unit_id)
        )
        assert response.status_code == 403
    assert fresh(ticket).status == Status.SUBMITTED
