"""A home's list heads count only as far as HOME_COUNT_CAP ("100+"): no scan for the rest."""

from __future__ import annotations

import pytest

from minxin.tickets.models import Status, Ticket
from minxin.workbench import pages
from minxin.workbench.tests.helpers import as_user, new_ticket

pytestmark = pytest.mark.django_db


def today_heading(html: str) -> str:
    start = html.index('id="sec-today"')
    return html[start : html.index("</h2>", start)]


def test_a_long_list_on_a_home_says_cap_plus(client, city, staff, monkeypatch):
    for i in range(5):
        new_ticket(city, phone=None, title=f"路灯不亮{i}")
    waiting = Ticket.objects.filter(status=Status.SUBMITTED).count()
    monkeypatch.setattr(pages, "HOME_ROWS", 2)
    monkeypatch.setattr(pages, "HOME_COUNT_CAP", waiting - 1)
    as_user(client, staff["intake"])
    heading = today_heading(client.get("/staff/").content.decode())
    assert f"{waiting - 1}+件" in heading


def test_a_list_within_the_cap_gives_its_exact_count(client, city, staff, monkeypatch):
    new_ticket(city, phone=None, title="路灯不亮")
    monkeypatch.setattr(pages, "HOME_ROWS", 1)
    as_user(client, staff["intake"])
    heading = today_heading(client.get("/staff/").content.decode())
    intake = {Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED}
    assert f"{Ticket.objects.filter(status__in=intake, merged_into=None).count()}件" in heading
    assert "+件" not in heading


def test_lists_after_the_first_show_their_head_and_link_to_the_queue(
    client, city, staff, monkeypatch
):
    from minxin.tickets import services as svc
    from minxin.tickets.tests.helpers import as_staff

    monkeypatch.setattr(pages, "HOME_ROWS", 3)
    monkeypatch.setattr(pages, "SECONDARY_ROWS", 1)
    for i in range(4):
        ticket = new_ticket(city, phone=None, title=f"重复诉求{i}")
        if i < 2:
            svc.ticket_reject(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="重复")
    html = as_user(client, staff["intake"]).get("/staff/").content.decode()
    archive = html[html.index('id="sec-to_archive"') :]
    archive = archive[: archive.index("</section>")]
    assert "2件" in archive
    assert archive.count("重复诉求") == 1
    assert "/staff/queues/to_archive/" in archive
    intake = html[html.index('id="sec-today"') :]
    assert intake[: intake.index("</section>")].count("重复诉求") == 2  # the first list: 3 rows
