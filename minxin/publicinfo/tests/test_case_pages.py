import pytest

from minxin.publicinfo import cases
from minxin.publicinfo.models import CaseStatus, TypicalCase
from minxin.publicinfo.tests.helpers import closed_ticket
from minxin.tickets.tests.helpers import submit


@pytest.fixture
def ticket(city, staff):
    return closed_ticket(city, staff)


def test_the_request_page_offers_nomination_to_reviewers_only(client, ticket, staff):
    client.force_login(staff["reviewer"])
    page = client.get(f"/staff/requests/{ticket.pk}/")
    assert "推荐为典型案例" in page.content.decode()
    client.force_login(staff["zhujian"])
    assert "推荐为典型案例" not in client.get(f"/staff/requests/{ticket.pk}/").content.decode()


def test_nominating_from_the_request_page_leads_to_the_review_page(client, ticket, staff):
    client.force_login(staff["reviewer"])
    response = client.post(f"/staff/public/cases/nominate/{ticket.pk}/", {"reason": "好案例"})
    case = TypicalCase.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/public/cases/{case.pk}/"
    page = client.get(response.url).content.decode()
    assert "13812345678" in page  # what was masked, shown to the reviewer only
    twice = client.post(f"/staff/public/cases/nominate/{ticket.pk}/")
    assert twice.status_code == 409
    assert "不能重复推荐" in twice.content.decode()


def test_an_open_request_gets_a_clear_refusal(client, city, staff):
    ticket, _ = submit(city)
    client.force_login(staff["reviewer"])
    response = client.post(f"/staff/public/cases/nominate/{ticket.pk}/")
    assert response.status_code == 409
    assert not TypicalCase.objects.exists()


def test_the_reviewer_publishes_and_the_public_reads_it(client, ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    client.force_login(staff["reviewer"])
    url = f"/staff/public/cases/{case.pk}/"
    unchecked = client.post(url + "publish/", {"version": "0"})
    assert unchecked.status_code == 422
    assert "核对" in unchecked.content.decode()
    client.post(url + "publish/", {"version": "0", "confirmed": "yes"})
    assert TypicalCase.objects.get().status == CaseStatus.PUBLISHED
    client.logout()
    listing = client.get("/cases/", {"q": "烧烤"}).content.decode()
    assert f"/cases/{case.pk}/" in listing
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "办理情况" in detail
    assert "13812345678" not in detail


def test_staff_pages_need_a_login_and_the_right_scope(client, ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    assert client.get(f"/staff/public/cases/{case.pk}/").status_code == 302
    client.force_login(staff["jiaoyu"])
    assert client.get(f"/staff/public/cases/{case.pk}/").status_code == 404
    client.force_login(staff["intake"])
    refused = client.post(f"/staff/public/cases/{case.pk}/publish/", {"confirmed": "yes"})
    assert refused.status_code == 403


def test_the_public_list_survives_bad_parameters(client, db):
    assert (
        client.get("/cases/", {"page": "x", "district": "abc", "q": "噪" * 500}).status_code == 200
    )
    assert client.get("/cases/999999/").status_code == 404


def test_the_workbench_menu_leads_reviewers_and_units_to_their_pages(client, staff):
    client.force_login(staff["reviewer"])
    menu = client.get("/staff/").content.decode()
    assert 'href="/staff/public/cases/"' in menu
    assert 'href="/staff/public/guides/"' not in menu
    client.force_login(staff["zhujian"])
    menu = client.get("/staff/").content.decode()
    assert 'href="/staff/public/guides/"' in menu
    assert 'href="/staff/public/cases/"' not in menu
