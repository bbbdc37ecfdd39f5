import pytest

from minxin.publicinfo import cases
from minxin.publicinfo.models import TypicalCase
from minxin.publicinfo.tests.helpers import closed_ticket


@pytest.fixture
def ticket(city, staff):
    return closed_ticket(city, staff)


def published(ticket, staff, **texts):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    if texts:
        cases.case_edit(user=staff["reviewer"], case_id=case.pk, data=texts)
    return cases.case_publish(user=staff["reviewer"], case_id=case.pk, confirmed=True)


def test_staff_nominate_review_and_publish_through_the_api(api, ticket):
    token = api.login("reviewer")
    response = api.post(f"/staff/requests/{ticket.pk}/nominate", {"reason": "典型"}, token=token)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert "13812345678" not in response.json()["problem"]
    again = api.post(f"/staff/requests/{ticket.pk}/nominate", {}, token=token)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "case_already_nominated"
    refused = api.post(f"/staff/cases/{case_id}/publish", {"confirmed": False}, token=token)
    assert refused.status_code == 422
    ok = api.post(f"/staff/cases/{case_id}/publish", {"confirmed": True}, token=token)
    assert ok.json()["status"] == "published"
    listed = api.get("/cases", {"q": "烧烤"})
    assert [c["id"] for c in listed.json()["results"]] == [case_id]


def test_a_handler_of_another_unit_cannot_see_or_nominate(api, ticket):
    response = api.post(f"/staff/requests/{ticket.pk}/nominate", {}, token=api.login("jiaoyu"))
    assert response.status_code == 404
    assert not TypicalCase.objects.exists()


def test_the_public_list_filters_by_category_district_unit_and_words(api, ticket, staff, city):
    case = published(ticket, staff)
    other = published(
        closed_ticket(city, staff, title="道路积水"),
        staff,
        title="道路积水",
        problem="雨后道路积水",
        handling="已疏通",
        reply="已疏通排水口",
    )
    assert [c["id"] for c in api.get("/cases").json()["results"]] == [other.pk, case.pk]
    assert [c["id"] for c in api.get("/cases", {"q": "积水"}).json()["results"]] == [other.pk]
    top = city["category"].top.pk
    by_category = api.get("/cases", {"category": top, "q": "噪音"}).json()["results"]
    assert [c["id"] for c in by_category] == [case.pk]
    elsewhere = city["units"]["shenhe"].pk
    assert api.get("/cases", {"district": elsewhere}).json()["results"] == []
    assert len(api.get("/cases", {"unit": case.unit_id}).json()["results"]) == 2
    detail = api.get(f"/cases/{case.pk}").json()
    assert {"problem", "handling", "reply"} <= detail.keys()


def test_an_unpublished_case_is_not_public(api, ticket, staff):
    case = cases.case_nominate(user=staff["intake"], ticket_id=ticket.pk)
    assert api.get(f"/cases/{case.pk}").status_code == 404
    assert api.get("/cases").json()["results"] == []


def test_one_search_finds_a_published_case(api, ticket, staff):
    case = published(ticket, staff)
    hits = api.get("/search", {"q": "烧烤店噪音"}).json()
    assert hits[0]["url"] == f"/cases/{case.pk}/"
    assert hits[0]["kind_label"] == "典型案例"
    assert api.get("/search", {"q": ""}).status_code == 422
