import pytest

from minxin.publicinfo import assistant, faq
from minxin.publicinfo.guides import guide_save
from minxin.publicinfo.models import Guide
from minxin.similar.models import PublicCase


@pytest.fixture
def knowledge(city, staff):
    guide = Guide(
        title="居住证办理",
        unit=staff["zhujian"].unit,
        summary="在本市居住半年以上的非本市户籍人员可以申领居住证",
        materials="居民身份证\n照片\n居住证明",
        steps="到社区警务室申报\n领取",
        time_limit="15个工作日",
        office="派出所户籍窗口",
        hours="工作日",
        contact="12345",
    )
    guide_save(user=staff["zhujian"], guide=guide)
    row = PublicCase.objects.create(
        source="board",
        external_id="1",
        title="公积金提取需要什么材料",
        text="请问离职后公积金提取需要带什么材料？",
        reply="离职半年后可凭身份证和离职证明到公积金中心提取，咨询电话0731-88886666。",
    )
    faq.faq_index(row)
    return guide, row


def test_it_answers_with_its_sources(knowledge):
    guide, _ = knowledge
    result = assistant.answer("居住证怎么办理，需要什么材料？")
    assert result["answered"] is True
    assert result["sources"][0]["url"] == f"/guides/{guide.pk}/"
    assert "居住证办理" in result["answer"]


def test_it_says_plainly_when_nothing_fits(knowledge):
    result = assistant.answer("火星上能种土豆吗")
    assert result["answered"] is False
    assert result["sources"] == []
    assert "没有找到" in result["answer"]
    assert result["request_url"].startswith("/submit/?request_type=consultation")


def test_a_faq_is_shown_redacted(client, knowledge):
    _, row = knowledge
    result = assistant.answer("离职后公积金提取要什么材料")
    assert result["sources"][0]["url"] == f"/faq/{row.pk}/"
    page = client.get(f"/faq/{row.pk}/").content.decode()
    assert "离职证明" in page
    assert "88886666" not in page


def test_the_api_answers_and_refuses_a_huge_question(api, knowledge):
    ok = api.post("/assistant", {"question": "居住证怎么办"}).json()
    assert ok["answered"] is True
    assert {"title", "url", "score"} == set(ok["sources"][0])
    huge = api.post("/assistant", {"question": "问" * (10 * 1024 * 1024 // 3)})
    assert huge.status_code in (400, 413, 422)
    assert api.post("/assistant", {"question": "   "}).status_code == 422


def test_the_page_and_the_hand_over_to_a_request(client, knowledge):
    page = client.post("/assistant/", {"question": "火星上能种土豆吗"}).content.decode()
    assert "转为咨询诉求" in page
    form = client.get("/submit/", {"request_type": "consultation", "title": "火星种土豆"})
    assert 'value="火星种土豆"' in form.content.decode()
    assert client.post("/assistant/", {"question": "问" * 600}).status_code == 422


def test_public_reindex_writes_everything_public_again(knowledge):
    from django.core.management import call_command

    from minxin.publicinfo.models import SearchEntry

    SearchEntry.objects.all().delete()
    call_command("public-reindex")
    assert set(SearchEntry.objects.values_list("kind", flat=True)) == {"guide", "faq"}
    assert assistant.answer("居住证怎么办理")["answered"] is True
