"""The 模型标签映射 sheet: what the classifier's labels mean in the city's tree."""

from __future__ import annotations

import pytest

from minxin.cityfile.tests.helpers import cells, load, problems, workbook
from minxin.routing.labels import resolve
from minxin.routing.models import LabelMapping
from minxin.routing.recommend import knowledge

pytestmark = pytest.mark.django_db

TREE = {
    "诉求分类": [
        ["一级分类", "二级分类", "关键词"],
        ["生态环境", None, None],
        ["生态环境", "大气污染", "尾气 废气 黑烟"],
        ["市场监管", None, None],
    ],
}


def test_mapping_rows_load_once_and_say_what_a_label_means(tmp_path):
    sheets = {
        **TREE,
        "模型标签映射": [["模型标签", "分类"], ["环境保护", "生态环境"], ["商贸旅游", "市场监管"]],
    }
    path = workbook(tmp_path / "city.xlsx", sheets)
    assert load(path).problems == []
    assert dict(LabelMapping.objects.values_list("label", "category__name")) == {
        "环境保护": "生态环境",
        "商贸旅游": "市场监管",
    }
    assert not load(path).changed  # a second import changes nothing
    (guess,) = resolve([("环境保护", 0.97)], knowledge(), "物流园货车尾气冒黑烟")
    assert str(guess.category) == "生态环境/大气污染"


def test_a_changed_row_moves_the_label_and_export_writes_the_sheet(tmp_path):
    first = {**TREE, "模型标签映射": [["模型标签", "分类"], ["环境保护", "生态环境"]]}
    load(workbook(tmp_path / "a.xlsx", first))
    moved = {**TREE, "模型标签映射": [["模型标签", "分类"], ["环境保护", "生态环境/大气污染"]]}
    assert load(workbook(tmp_path / "b.xlsx", moved)).changed
    assert str(LabelMapping.objects.get(label="环境保护").category) == "生态环境/大气污染"
    from django.core.management import call_command

    call_command("city", "export", str(tmp_path / "out.xlsx"))
    assert ("环境保护", "生态环境/大气污染") in cells(tmp_path / "out.xlsx")["模型标签映射"]


def test_an_unknown_category_is_named_with_its_row_and_nothing_loads(tmp_path):
    sheets = {**TREE, "模型标签映射": [["模型标签", "分类"], ["环境保护", "环保"]]}
    loaded = load(workbook(tmp_path / "city.xlsx", sheets))
    assert any("模型标签映射" in p and "第 2 行" in p and "环保" in p for p in problems(loaded))
    assert not LabelMapping.objects.exists()
