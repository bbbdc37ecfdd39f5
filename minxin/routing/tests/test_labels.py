"""From classifier labels to the city's categories: the mapping, and a second level only on
evidence (no fallback to a first child)."""

from __future__ import annotations

import pytest

from minxin.org.models import Category
from minxin.routing.labels import resolve, weighted
from minxin.routing.models import LabelMapping
from minxin.routing.recommend import knowledge


@pytest.fixture
def tree(db) -> dict[str, Category]:
    """A small tree: a first level with children, one renamed from the model's label."""
    build = Category.objects.create
    town = build(name="城乡建设")
    eco = build(name="生态环境")
    return {
        "城乡建设": town,
        "生态环境": eco,
        "燃气安全": build(name="燃气安全", parent=town, keywords="燃气 煤气 天然气 漏气"),
        "物业管理": build(name="物业管理", parent=town, keywords="物业 物业费 业委会"),
        "噪声污染": build(name="噪声污染", parent=eco, keywords="噪音 噪声 扰民"),
        "大气污染": build(name="大气污染", parent=eco, keywords="尾气 废气 黑烟 异味"),
    }


def test_a_label_means_the_category_of_its_name(tree):
    guesses = resolve([("城乡建设", 0.8)], knowledge(), "小区绿化带被毁")
    assert [(g.category, g.confidence, g.evidence) for g in guesses] == [
        (tree["城乡建设"], 0.8, ())
    ]


def test_without_evidence_only_the_first_level_is_given(tree):
    # Neither child's keywords occur: no "first child" guess (燃气安全 is listed first).
    (guess,) = resolve([("城乡建设", 0.9)], knowledge(), "楼下广场舞音响太吵")
    assert guess.category == tree["城乡建设"]
    assert guess.category.parent_id is None


def test_keywords_choose_the_second_level(tree):
    text = "楼道里一直有煤气味，怀疑天然气管道漏气"
    (guess,) = resolve([("城乡建设", 0.73)], knowledge(), text)
    assert guess.category == tree["燃气安全"]
    assert guess.evidence == ("煤气", "天然气", "漏气")
    assert guess.confidence == 0.73  # the classifier's, for the first level


def test_a_tie_between_children_stays_first_level(tree):
    text = "物业说燃气的事不归他们管"  # one word for each of two children
    (guess,) = resolve([("城乡建设", 0.6)], knowledge(), text)
    assert guess.category == tree["城乡建设"]


def test_a_mapping_row_says_what_a_label_means(tree):
    assert resolve([("环境保护", 0.99)], knowledge(), "汽车尾气") == []  # no such name here
    LabelMapping.objects.create(label="环境保护", category=tree["生态环境"])
    (guess,) = resolve([("环境保护", 0.99)], knowledge(), "物流园柴油货车尾气冒黑烟")
    assert guess.category == tree["大气污染"]
    assert guess.evidence == ("尾气", "黑烟")


def test_labels_meaning_one_category_add_up(tree):
    LabelMapping.objects.create(label="交通运输", category=tree["城乡建设"])
    guesses = resolve(
        [("城乡建设", 0.5), ("生态环境", 0.3), ("交通运输", 0.2)], knowledge(), "路面破损"
    )
    assert [(g.category.name, g.confidence) for g in guesses] == [
        ("城乡建设", 0.7),
        ("生态环境", 0.3),
    ]


def test_a_second_level_label_is_kept_as_it_is(tree):
    # A city's own model trained on category paths: nothing to narrow.
    (guess,) = resolve([("生态环境/噪声污染", 0.8)], knowledge(), "汽车尾气")
    assert guess.category == tree["噪声污染"]
    assert guess.evidence == ()


def test_an_inactive_child_is_never_chosen(tree):
    Category.objects.filter(pk=tree["燃气安全"].pk).update(is_active=False)
    (guess,) = resolve([("城乡建设", 0.8)], knowledge(), "天然气漏气")
    assert guess.category == tree["城乡建设"]


def test_keywords_elsewhere_beat_an_unsupported_best_guess(tree):
    # The public data files a gas smell under 环境保护 ("味"); no 生态环境 child's keyword
    # occurs, the city's 燃气 keywords do: the keyword guess comes first.
    LabelMapping.objects.create(label="环境保护", category=tree["生态环境"])
    text = "家里厨房一直闻到煤气味，怀疑天然气管道老化"
    first, second = resolve([("环境保护", 0.98), ("城乡建设", 0.01)], knowledge(), text)
    assert (first.category, first.source, first.evidence) == (
        tree["燃气安全"],
        "keywords",
        ("煤气", "天然气"),
    )
    assert (second.category, second.confidence) == (tree["生态环境"], 0.98)
    # In the unit recommendation the keyword guess weighs half, the classifier the rest.
    assert weighted((g.category.pk, g.confidence, g.source) for g in (first, second)) == [
        (tree["燃气安全"].pk, 0.5),
        (tree["生态环境"].pk, 0.49),
    ]


def test_a_supported_best_guess_is_kept(tree):
    # 大气污染 has its keyword; 物业管理's 物业 elsewhere does not override it.
    LabelMapping.objects.create(label="环境保护", category=tree["生态环境"])
    guesses = resolve([("环境保护", 0.9)], knowledge(), "物业不管小区里焚烧垃圾的黑烟")
    assert [g.category for g in guesses] == [tree["大气污染"]]


def test_one_generic_keyword_elsewhere_is_no_evidence(tree):
    LabelMapping.objects.create(label="环境保护", category=tree["生态环境"])
    (guess,) = resolve([("环境保护", 0.9)], knowledge(), "物业不管化工厂的刺鼻气味")
    assert guess.category == tree["生态环境"]
