"""The similar-case and duplicate endpoints, and who may call them."""

from __future__ import annotations

import pytest

from minxin.identity.services import citizen_token_issue
from minxin.similar.models import DuplicateFlag
from minxin.similar.tests.helpers import import_replies, submit_message
from minxin.similar.tests.shared_data import message
from minxin.tickets import services as svc
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff

pytestmark = [pytest.mark.django_db, pytest.mark.urls("minxin.similar.tests.urls")]
LIKES = "messages-with-likes.csv"


def _citizen() -> dict:
    return {"headers": {"X-Citizen-Token": citizen_token_issue(phone="13800001111")}}


@pytest.fixture
def flagged(city, staff):
    first = submit_message(city, message(LIKES, "205982"), phone="13900000000")
    second = submit_message(city, message(LIKES, "276460"))
    # The new request goes to the housing bureau; the earlier one is still at intake.
    svc.ticket_dispatch(
        ticket_id=second.pk, actor=as_staff(staff["intake"]), lead_unit_id=staff["zhujian"].unit_id
    )
    return first, second, DuplicateFlag.objects.get(ticket=second)


def test_anyone_may_look_up_similar_cases(api, db, settings, tmp_path):
    settings.SIMILAR_INDEX_DIR = str(tmp_path)
    rows = import_replies(80)
    response = api.get("/similar-cases", {"q": rows[3]["title"], "k": 3})
    assert response.status_code == 200, response.content
    assert response.json()[0]["title"] == rows[3]["title"]
    assert response.json()[0]["reply_excerpt"]
    assert api.get("/similar-cases", {"q": ""}).status_code == 422
    assert api.get("/similar-cases", {"q": "电梯", "k": 99}).status_code == 422


def test_intake_sees_the_flags_of_a_request(api, flagged):
    first, second, flag = flagged
    response = api.get(f"/staff/requests/{second.pk}/duplicates", token=api.login("intake"))
    assert response.status_code == 200
    [row] = response.json()
    assert (row["id"], row["kind"], row["direction"]) == (flag.pk, "same_matter", "earlier")
    assert row["other"]["id"] == first.pk
    back = api.get(f"/staff/requests/{first.pk}/duplicates", token=api.login("intake")).json()
    assert back[0]["direction"] == "later"


def test_the_wrong_personas_are_refused(api, flagged):
    _, second, _ = flagged
    path = f"/staff/requests/{second.pk}/duplicates"
    assert api.get(path).status_code == 401
    assert api.get(path, **_citizen()).status_code == 401
    assert api.get(path, token=api.login("renshe")).status_code == 404
    # The handling unit sees its request, but not the flag: the other one is not theirs.
    mine = api.get(path, token=api.login("zhujian"))
    assert (mine.status_code, mine.json()) == (200, [])


def test_only_intake_merges_or_dismisses(api, flagged):
    flag = flagged[2]
    for action in ("merge", "dismiss"):
        path = f"/staff/duplicates/{flag.pk}/{action}"
        assert api.post(path).status_code == 401
        assert api.post(path, **_citizen()).status_code == 401
        assert api.post(path, token=api.login("renshe")).status_code == 404
        assert api.post(path, token=api.login("zhujian")).status_code == 404
        assert api.post(path, token=api.login("leader")).status_code == 403
    assert api.post("/staff/duplicates/999999/merge", token=api.login("intake")).status_code == 404
    flag.refresh_from_db()
    assert not flag.resolved


def test_intake_merges_through_the_api(api, city):
    # Merging happens at intake, before dispatch (workflow.TRANSITIONS["merge"]).
    submit_message(city, message(LIKES, "205982"), phone="13900000000")
    flag = DuplicateFlag.objects.get(ticket=submit_message(city, message(LIKES, "276460")))
    response = api.post(
        f"/staff/duplicates/{flag.pk}/merge",
        {"note": "同一小区同一事项"},
        token=api.login("intake"),
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.MERGED
    again = api.post(f"/staff/duplicates/{flag.pk}/dismiss", token=api.login("intake"))
    assert again.status_code == 409
