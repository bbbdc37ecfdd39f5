"""Anger, urgency and danger of real messages, scored with the seeded lexicon."""

from __future__ import annotations

from collections import Counter

import pytest

from minxin.risk.models import RiskTerm
from minxin.risk.scoring import Assessment, Term, assess, level_for
from minxin.risk.services import terms
from minxin.similar.tests.shared_data import message, messages

pytestmark = pytest.mark.django_db
RAW, LIKES, UNLABELED = (
    "complaints-sample-raw.csv",
    "messages-with-likes.csv",
    "messages-unlabeled.csv",
)


@pytest.fixture
def lexicon() -> list[Term]:
    return terms.get(None)


def _score(row: dict[str, str], lexicon: list[Term]) -> tuple[Assessment, str]:
    assessment = assess(f"{row['title']}\n{row['text']}", lexicon)
    return assessment, level_for(assessment)


def _danger_terms(assessment: Assessment) -> set[str]:
    return {m["term"] for m in assessment.matches if m["kind"] == "danger"}


def test_the_lexicon_is_seeded_and_covers_every_danger(lexicon):
    categories = {t.category for t in lexicon if t.kind == "danger"}
    assert {
        "self_harm",
        "violence",
        "gas",
        "collapse",
        "fire",
        "group_gathering",
        "petition",
    } <= categories
    assert {"跳楼", "燃气泄漏", "塌陷", "集体上访", "拉横幅"} <= {t.term for t in lexicon}


def test_a_citizen_saying_they_do_not_want_to_live_is_critical(lexicon):
    # "现在搞得我都因为这个问题不想活了！"
    assessment, level = _score(message(RAW, "26255"), lexicon)
    assert level == "critical"
    assert "self_harm" in assessment.categories
    assert assessment.anger > 0.3


def test_a_fire_reported_is_high(lexicon):
    # "一饭店因厨房起火…该栋每个门店有几个煤气罐，安全隐患非常大"
    assessment, level = _score(message(LIKES, "213906"), lexicon)
    assert level in ("high", "critical")
    assert "起火" in _danger_terms(assessment)


def test_a_banner_protest_is_high(lexicon):
    assessment, level = _score(message("messages-with-replies.csv", "79948"), lexicon)
    assert "拉横幅" in _danger_terms(assessment)
    assert level in ("high", "critical")


def test_an_amusement_ride_is_not_a_suicide(lexicon):
    # "过山车、海盗船、跳楼机…是否属于特种设备？" — 跳楼机 is an `exclude` entry.
    assessment, level = _score(message(RAW, "153940"), lexicon)
    assert "跳楼" not in _danger_terms(assessment)
    assert level == "low"


def test_negated_and_hypothetical_dangers_weigh_less(lexicon):
    # "不能砍人，不能跳楼，只能在电脑上敲下一个个字符。"
    negated, _ = _score(message(UNLABELED, "11060"), lexicon)
    assert not {"跳楼", "砍人"} & _danger_terms(negated)
    # "如果发生燃气泄漏而酿成安全事故，后果不堪设想" — a risk, not a leak.
    hypothetical, level = _score(message(UNLABELED, "49140"), lexicon)
    [gas] = [m for m in hypothetical.matches if m["term"] == "燃气泄漏"]
    assert gas["count"] == 0.5
    assert level in ("medium", "high")


def test_an_angry_message_scores_anger(lexicon):
    # Families hitting paediatric staff: "是怎样的愤怒、沉闷、心痛、失望啊！！！"
    assessment, _ = _score(message(RAW, "43823"), lexicon)
    assert assessment.anger >= 0.7


def test_alarms_are_rare_on_ordinary_messages(lexicon):
    levels = Counter(_score(row, lexicon)[1] for row in messages(RAW))
    alarming = levels["high"] + levels["critical"]
    assert 0 < alarming <= 0.06 * sum(levels.values()), levels
    assert levels["low"] >= 0.8 * sum(levels.values())


def test_the_lexicon_is_data(lexicon):
    row = message(RAW, "26255")
    RiskTerm.objects.filter(term="不想活").update(weight=0.2)
    terms.reset()
    _, level = _score(row, terms.get(None))
    assert level != "critical"
    RiskTerm.objects.create(term="逼我自己辞职", kind="danger", weight=0.95, category="self_harm")
    terms.reset()
    assert _score(row, terms.get(None))[1] == "critical"


def test_scores_stay_within_bounds():
    strong = [Term("跳楼", "danger", 1.0, "self_harm"), Term("！", "anger", 0.9, "emotion")]
    assessment = assess("跳楼跳楼跳楼！！！！！", strong)
    assert assessment.danger == 1.0
    assert 0 < assessment.anger <= 1.0
    assert assess("", strong).danger == 0.0
