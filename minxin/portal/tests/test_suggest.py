"""Category suggestions while a citizen types."""

from __future__ import annotations

import sys
import types

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def classifier(monkeypatch):
    """Installs `fn(text, k)` as the classifier's batch entry point."""
    import minxin.nlp

    def install(fn):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(
            minxin.nlp,
            "predict_categories",
            lambda texts, k=3: [fn(t, k) for t in texts],
            raising=False,
        )

    return install


def test_keywords_suggest_second_level_categories(client, city):
    data = client.get("/submit/suggest", {"text": "小区电梯坏了，物业不管"}).json()
    assert data["source"] == "keywords"
    assert data["suggestions"][0]["label"] == "城乡建设/物业管理"
    assert data["suggestions"][0]["id"] == city["category"].pk


def test_short_or_unmatched_text_suggests_nothing(client, city):
    assert client.get("/submit/suggest", {"text": "a"}).json()["suggestions"] == []
    assert client.get("/submit/suggest", {"text": "今天天气很好"}).json() == {
        "source": "",
        "suggestions": [],
        "unit": None,
        "emergency": None,
    }


def test_an_active_model_is_preferred(client, city, classifier):
    classifier(lambda text, k=3: [("环境保护/噪声污染", 0.91), ("不存在", 0.05)])
    data = client.get("/submit/suggest", {"text": "工地夜间施工"}).json()
    assert data["source"] == "model"
    assert [s["name"] for s in data["suggestions"]] == ["噪声污染"]
    assert data["suggestions"][0]["confidence"] == 0.91


def test_a_failing_model_falls_back_to_keywords(client, city, monkeypatch):
    def broken(text: str, k: int = 3) -> list:
        raise RuntimeError("no active model")

    fake = types.ModuleType("minxin.nlp")
    fake.predict_category = broken
    monkeypatch.setitem(sys.modules, "minxin.nlp", fake)
    data = client.get("/submit/suggest", {"text": "夜间施工噪音扰民"}).json()
    assert data["source"] == "keywords"
    assert data["suggestions"][0]["name"] == "噪声污染"


def test_a_first_level_label_is_narrowed_only_on_keyword_evidence(db, city, classifier):
    from minxin.portal.suggest import suggestion_payload

    classifier(lambda text, k=3: [("环境保护", 0.91)])
    data = suggestion_payload("楼下工地夜间施工噪音很大，严重扰民")
    assert data["source"] == "model"
    assert [s["label"] for s in data["suggestions"]] == ["环境保护/噪声污染"]
    # No keyword of any 环境保护 child: no child is guessed (not the first one, 噪声污染),
    # the form is offered nothing, and the first level's owner is still named.
    data = suggestion_payload("小区旁边的小作坊味道刺鼻，晚上更严重")
    assert data["suggestions"] == []
    assert data["unit"]["name"] == "市生态环境局"


def test_the_likely_handling_unit_is_named_in_plain_words(client, city):
    heping = city["units"]["heping"]
    data = client.get(
        "/submit/suggest", {"text": "小区电梯坏了，物业不管", "district": str(heping.pk)}
    ).json()
    # 物业管理 is handled by the district within its borders (the responsibility table).
    assert data["unit"]["name"] == "和平区"
    assert data["unit"]["text"] == "预计由和平区办理"
    data = client.get(
        "/submit/suggest", {"text": "小区电梯坏了，物业不管", "district": "not-a-number"}
    ).json()
    assert data["unit"]["name"] == "市住房和城乡建设局"


def test_the_submission_page_has_a_place_for_the_unit(client, city):
    assert "data-suggest-unit" in client.get("/submit/").content.decode()


def test_the_citizen_is_not_offered_near_impossible_categories(client, city, classifier):
    classifier(
        lambda text, k=3: [
            ("城乡建设/物业管理", 0.96),
            ("环境保护/噪声污染", 0.038),
            ("城乡建设", 0.002),
        ]
    )
    data = client.get("/submit/suggest", {"text": "小区电梯坏了，物业不管"}).json()
    assert [s["label"] for s in data["suggestions"]] == ["城乡建设/物业管理"]
    # The best guess is shown however unsure the model is.
    classifier(lambda text, k=3: [("环境保护/噪声污染", 0.03)])
    data = client.get("/submit/suggest", {"text": "楼下工地夜间施工"}).json()
    assert [s["name"] for s in data["suggestions"]] == ["噪声污染"]
