"""Plain complaints in the demo city go where a resident expects, with the model shipped in
the package: its first-level label, the city's keywords for the second level, the table."""

from __future__ import annotations

import pytest

from minxin.portal.suggest import suggestion_payload
from minxin.workbench.suggest import predicted_categories


@pytest.fixture
def shipped(settings, city):
    settings.NLP_DEFAULT_MODEL = True


CASES = [
    (
        "电梯困人半小时没人管\n我们小区5号楼的电梯昨晚突然停在8楼和9楼之间，三位老人被困了半个多"
        "小时，打维保公司电话一直没人接。这部电梯上个月就停运过两次，请尽快检查。",
        "商贸旅游/电梯安全",
        "市市场监督管理局",
    ),
    (
        "楼道里煤气味很重\n这两天单元楼道里一直有很浓的煤气味，晚上更明显，担心是天然气管道漏气，"
        "打燃气公司电话说要排队，请尽快派人来查。",
        "城乡建设/燃气供应",
        "市住房和城乡建设局",
    ),
    (
        "货车尾气熏得不敢开窗\n小区北侧物流园每天夜里几十辆柴油货车排队怠速，尾气冒黑烟，气味刺鼻，"
        "家里老人孩子咳嗽不止，希望管一管。",
        "环境保护/大气污染",
        "市生态环境局",
    ),
    (
        "饭店后厨卫生太差\n在人民路一家饭店吃饭后全家上吐下泻，怀疑食材过期变质，饭店不承认，"
        "请查一查他们的后厨。",
        "商贸旅游/食品安全",
        "市市场监督管理局",
    ),
]


@pytest.mark.parametrize(("text", "category", "unit"), CASES)
def test_a_plain_complaint_gets_the_category_and_unit_a_resident_expects(
    shipped, text, category, unit
):
    best = predicted_categories(text)[0]
    assert str(best.category) == category
    assert best.evidence  # the keywords that chose the second level
    if best.source == "model":  # the classifier's own first level, narrowed by keywords
        assert 0 < best.confidence < 1
    else:  # the classifier's guess had no support; the city's keywords (two or more) decided
        assert best.source == "keywords"
        assert len(best.evidence) >= 2
    assert suggestion_payload(text)["unit"]["name"] == unit


def test_without_keyword_evidence_only_the_first_level_is_suggested(shipped):
    text = (
        "村口老桥年久失修\n村口那座石桥桥面开裂，栏杆也掉了，村民每天都要从桥上过，希望尽快维修。"
    )
    best = predicted_categories(text)[0]
    assert best.category.parent_id is None
    assert best.evidence == ()
