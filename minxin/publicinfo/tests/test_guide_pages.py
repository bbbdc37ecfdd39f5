import pytest

from minxin.publicinfo.models import Guide, Notice
from minxin.publicinfo.tests.helpers import guide_data


@pytest.fixture
def guide(client, staff) -> Guide:
    client.force_login(staff["zhujian"])
    response = client.post("/staff/public/guides/new/", guide_data(staff["zhujian"].unit_id))
    assert response.status_code == 302
    client.logout()
    return Guide.objects.get()


def test_a_unit_keeps_guides_on_its_staff_pages(client, staff, guide):
    client.force_login(staff["zhujian"])
    assert "居住证办理" in client.get("/staff/public/guides/").content.decode()
    data = guide_data(staff["zhujian"].unit_id, fees="工本费20元")
    client.post(f"/staff/public/guides/{guide.pk}/", data)
    guide.refresh_from_db()
    assert guide.fees == "工本费20元"
    assert guide.updated_by == staff["zhujian"]


def test_staff_of_another_unit_cannot_reach_it(client, staff, guide):
    client.force_login(staff["jiaoyu"])
    assert client.get(f"/staff/public/guides/{guide.pk}/").status_code == 404
    forged = client.post("/staff/public/guides/new/", guide_data(staff["zhujian"].unit_id))
    assert forged.status_code == 422
    assert Guide.objects.count() == 1
    client.force_login(staff["reviewer"])
    assert client.get("/staff/public/guides/").status_code == 403


def test_a_notice_ending_before_it_starts_is_refused(client, staff):
    client.force_login(staff["heping"])
    data = {
        "kind": "power",
        "title": "停电通知",
        "body": "线路检修",
        "unit": staff["heping"].unit_id,
        "valid_from": "2026-12-10T08:00",
        "valid_until": "2026-12-10T07:00",
        "published": "on",
    }
    response = client.post("/staff/public/notices/new/", data)
    assert response.status_code == 422
    assert "结束时间必须晚于开始时间" in response.content.decode()
    assert not Notice.objects.exists()


def test_the_public_reads_a_guide_and_votes_once(client, guide):
    page = client.get(f"/guides/{guide.pk}/").content.decode()
    assert "所需材料" in page
    assert "近期一寸照片" in page
    first = client.post(f"/guides/{guide.pk}/vote/", {"helpful": "yes"})
    assert first.status_code == 302
    second = client.post(f"/guides/{guide.pk}/vote/", {"helpful": "no"})
    assert second.status_code == 409
    assert "已经评价过" in second.content.decode()
    guide.refresh_from_db()
    assert (guide.helpful_yes, guide.helpful_no) == (1, 0)
    assert client.post(f"/guides/{guide.pk}/vote/", {"helpful": "maybe"}).status_code == 400


def test_the_index_search_and_api_list_guides(client, api, guide):
    assert "居住证办理" in client.get("/guides/", {"q": "居住证"}).content.decode()
    assert f"/guides/{guide.pk}/" in client.get("/search/", {"q": "居住证"}).content.decode()
    listed = api.get("/guides").json()
    assert listed[0]["materials"] == ["居民身份证", "近期一寸照片", "居住证明"]
    voted = api.post(f"/guides/{guide.pk}/feedback", {"helpful": True})
    assert voted.json()["helpful_yes"] == 1
    again = api.post(f"/guides/{guide.pk}/feedback", {"helpful": True})
    assert again.status_code == 409
    assert api.get("/search", {"q": "居住证", "kind": "guide"}).json()[0]["kind"] == "guide"
