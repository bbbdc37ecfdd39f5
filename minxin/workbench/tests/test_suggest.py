"""Intake suggestions: the owning unit from Responsibility, the classifier when present."""

from __future__ import annotations

import sys
import types

import pytest

from minxin.org.models import Category
from minxin.routing.tests.helpers import submit
from minxin.workbench.suggest import Suggester, predicted_categories
from minxin.workbench.tests.helpers import as_user, new_ticket


def test_district_owner_comes_first(city):
    ticket = new_ticket(city)  # 物业管理 in 和平区
    units = Suggester().units(ticket.category_id, ticket.district_id)
    assert [u.code for u in units] == ["heping", "zhujian"]
    assert Suggester().best(ticket).code == "heping"


def test_a_category_without_owners_falls_back_to_its_parent(city):
    parent = Category.objects.get(name="城乡建设")
    orphan = Category.objects.create(name="新设分类", parent=parent)
    assert [u.code for u in Suggester().units(orphan.pk, None)] == ["zhujian"]


@pytest.fixture
def classifier(monkeypatch):
    import minxin.nlp

    def install(fn):  # type: ignore[no-untyped-def]
        # Pages ask for all their rows in one call: the batch entry point.
        monkeypatch.setattr(
            minxin.nlp,
            "predict_categories",
            lambda texts, k=3: [fn(t, k) for t in texts],
            raising=False,
        )

    return install


def test_classifier_guesses_are_used(city, classifier):
    noise = Category.objects.get(name="噪声污染")
    classifier(lambda text, k=3: [(noise.pk, 0.91), ("城乡建设/物业管理", 0.05)])
    guesses = predicted_categories("工地夜间施工")
    assert [g.category.name for g in guesses] == ["噪声污染", "物业管理"]
    assert guesses[0].confidence == pytest.approx(0.91)


def test_classifier_failure_falls_back_to_keywords(city, classifier):
    def broken(text, k=3):  # type: ignore[no-untyped-def]
        raise RuntimeError("model missing")

    classifier(broken)
    assert predicted_categories("没有任何线索的文本") == []
    guesses = predicted_categories("楼下工地夜间施工噪音扰民")
    assert guesses[0].category.name == "噪声污染"
    assert guesses[0].source == "keywords"


def test_numpy_style_ids_and_string_ids(city, classifier):
    import numpy as np

    noise = Category.objects.get(name="噪声污染")
    classifier(lambda text, k=3: [(np.int64(noise.pk), np.float32(0.7)), (str(noise.pk), 0.2)])
    # Two labels that mean one category are one guess, their confidences added.
    guesses = predicted_categories("x")
    assert [g.category for g in guesses] == [noise]
    assert guesses[0].confidence == pytest.approx(0.9)


def test_intake_page_shows_the_classifier_suggestion(client, city, staff, classifier):
    noise = Category.objects.get(name="噪声污染")
    classifier(lambda text, k=3: [(noise.pk, 0.8)])
    ticket = new_ticket(city)
    page = as_user(client, staff["intake"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "智能分类建议" in page
    assert "环境保护/噪声污染（置信度0.80）" in page
    assert "智能建议：环境保护/噪声污染" in client.get("/staff/").content.decode()


def test_staff_see_the_evidence_for_a_second_level_and_never_a_flat_one(
    client, city, staff, classifier
):
    classifier(lambda text, k=3: [("环境保护", 0.9996)])
    ticket = submit(city, "工地夜间施工", "楼下工地夜间施工噪音扰民", district=None)
    page = as_user(client, staff["intake"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "环境保护/噪声污染（置信度0.99；二级依据：" in page
    assert "1.00" not in page


def test_no_nlp_module_attribute_is_fine(city, monkeypatch):
    monkeypatch.setitem(sys.modules, "minxin.nlp", types.ModuleType("minxin.nlp"))
    assert predicted_categories("无关文本") == []


def test_a_request_is_classified_once_per_model_version_and_text(city, classifier):
    noise = Category.objects.get(name="噪声污染")
    calls: list[str] = []

    def counted(text, k=3):  # type: ignore[no-untyped-def]
        calls.append(text)
        return [(noise.pk, 0.9)]

    classifier(counted)
    first, second = new_ticket(city), new_ticket(city)
    assert Suggester().suggest([first])[0].guesses[0].category == noise
    assert len(calls) == 1
    again = Suggester().suggest([first, second])  # the queue refreshed: only the new row
    assert [s.guesses[0].category for s in again] == [noise, noise]
    assert len(calls) == 2
    first.content = "内容已删除"  # erased personal data: a new text is classified again
    Suggester().suggest([first])
    assert len(calls) == 3


def test_no_guess_is_not_kept(city, classifier):
    ticket = new_ticket(city)
    classifier(lambda text, k=3: [])
    Suggester().suggest([ticket])
    noise = Category.objects.get(name="噪声污染")
    classifier(lambda text, k=3: [(noise.pk, 0.9)])
    assert Suggester().suggest([ticket])[0].guesses[0].category == noise
