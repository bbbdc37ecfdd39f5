"""Unit records and their comparison: citywide roles read every unit's, a unit head their own;
others refused. The figures themselves are tested in supervision/tests/test_records.py."""

from __future__ import annotations

import pytest

from minxin.supervision import services as sup
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket


def supervised(city, staff):  # type: ignore[no-untyped-def]
    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    return sup.supervision_open(
        ticket_id=ticket.pk, actor=as_staff(staff["supervisor"]), note="督办"
    )


@pytest.mark.parametrize("persona", ["leader", "supervisor", "admin", "intake"])
def test_citywide_roles_read_any_units_record(client, city, staff, persona):
    supervised(city, staff)
    unit = staff["zhujian"].unit
    as_user(client, staff[persona])
    index = client.get("/staff/units/").content.decode()
    assert f"/staff/units/{unit.pk}/record/" in index
    page = client.get(f"/staff/units/{unit.pk}/record/").content.decode()
    assert "市住房和城乡建设局 · 考核记录" in page
    assert "<td>新开督办单（件）</td><td>1</td>" in page
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


def rated_twice(city, staff):  # type: ignore[no-untyped-def]
    """Dispatched to 住建局, rated 不满意 (reopened), answered again and rated 满意."""
    from minxin.tickets.actors import Actor

    ticket = new_ticket(city)
    svc.ticket_dispatch(
        ticket_id=ticket.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    for satisfaction in ("unsatisfied", "satisfied"):
        svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff["zhujian"]))
        svc.ticket_reply(
            ticket_id=ticket.pk,
            actor=as_staff(staff["zhujian"]),
            facts="已核实",
            solved=True,
            public_reply="已处理",
        )
        svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
        svc.ticket_rate(
            ticket_id=ticket.pk,
            actor=Actor.code_holder(ticket.tracking_code),
            satisfaction=satisfaction,
        )
    return ticket


def test_the_record_shows_the_unsatisfied_rating_after_a_later_satisfied(client, city, staff):
    rated_twice(city, staff)
    as_user(client, staff["zhujian_head"])
    page = client.get(f"/staff/units/{staff['zhujian'].unit_id}/record/").content.decode()
    for label, value in (
        ("不满意", "1"),
        ("满意", "1"),
        ("基本满意", "0"),
        ("满意率", "50.0%"),
        ("不满意率", "50.0%"),
        ("重办（次）", "1"),
        ("重办率", "50.0%"),
        ("按期办结率", "100.0%"),
        ("办结（件）", "1"),
    ):
        assert f"<td>{label}</td><td>{value}</td>" in page, label


def _table(html: str) -> str:
    return html[html.index('<table id="compare">') : html.index("</table>")]


def test_citywide_roles_compare_every_unit_and_sort_by_any_column(client, city, staff):
    rated_twice(city, staff)
    as_user(client, staff["leader"])
    table = _table(client.get("/staff/units/").content.decode())
    zhujian, renshe = staff["zhujian"].unit, staff["renshe"].unit
    assert f'href="/staff/units/{zhujian.pk}/record/?from=' in table
    assert f'href="/staff/units/{renshe.pk}/record/?from=' in table
    row = table[table.index(zhujian.name) :]
    assert "<td>50.0%</td>" in row[: row.index("</tr>")]
    ordered = _table(client.get("/staff/units/?sort=unsatisfied&dir=desc").content.decode())
    assert ordered.index(zhujian.name) < ordered.index(renshe.name)
    assert 'aria-sort="descending"' in ordered
    reverse = _table(client.get("/staff/units/?sort=unsatisfied&dir=asc").content.decode())
    assert reverse.index(renshe.name) < reverse.index(zhujian.name)


def test_the_comparison_keeps_the_period_and_counts_only_within_it(client, city, staff):
    rated_twice(city, staff)
    as_user(client, staff["leader"])
    page = client.get("/staff/units/?from=2020-01-01&to=2020-01-31").content.decode()
    assert "2020-01-01 至 2020-01-31" in page
    row = _table(page)[_table(page).index(staff["zhujian"].unit.name) :]
    assert "50.0%" not in row[: row.index("</tr>")]
    assert "?from=2020-01-01&amp;to=2020-01-31&amp;sort=" in page  # the sort links keep it


def test_a_unit_head_compares_only_the_units_they_may_read(client, city, staff):
    as_user(client, staff["heping_head"])
    table = _table(client.get("/staff/units/").content.decode())
    assert city["units"]["nanhu"].name in table
    assert city["units"]["heping"].name in table
    assert staff["zhujian"].unit.name not in table


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "from=2026-03-02&to=2026-03-01",
        "period=forever",
        "sort=nonsense",
        "dir=sideways",
    ],
)
def test_a_bad_period_or_sort_is_refused_with_a_message(client, city, staff, query):
    as_user(client, staff["leader"])
    response = client.get(f"/staff/units/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_comparison_exports_to_excel_for_those_who_may_read_it(client, city, staff):
    import io

    from openpyxl import load_workbook

    rated_twice(city, staff)
    as_user(client, staff["leader"])
    response = client.get("/staff/units/export.xlsx?sort=unsatisfied&dir=desc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位", "层级")
    assert "不满意率" in rows[0]
    assert rows[1][0] == staff["zhujian"].unit.name
    assert rows[1][rows[0].index("不满意")] == 1
    client.logout()
    as_user(client, staff["zhujian"])
    assert client.get("/staff/units/export.xlsx").status_code == 403
