"""Every bad file gets a message naming the sheet and the row, and loads nothing."""

from __future__ import annotations

import pytest

from minxin.accounts.models import User
from minxin.cityfile.tests.helpers import UNIT_HEADER, load, problems, workbook
from minxin.org.models import Category, Unit

pytestmark = pytest.mark.django_db

GOOD_UNITS = [UNIT_HEADER, ["centre", "受理中心", "市级受理中心", None]]


def assert_nothing_loaded() -> None:
    assert Unit.objects.count() == 0
    assert Category.objects.count() == 0
    assert User.objects.count() == 0


def test_an_unknown_parent_is_named_with_its_sheet_and_row(tmp_path):
    path = workbook(
        tmp_path / "c.xlsx",
        {"单位": [*GOOD_UNITS, ["nanhu", "南湖街道", "街道/乡镇", "heping"]]},
    )
    said = problems(load(path))
    assert said == [
        "工作表“单位”(units) 第 3 行 “上级单位编码”列："
        "上级单位“heping”不存在（本表和数据库中都没有）"
    ]
    assert_nothing_loaded()


def test_a_cycle_is_refused(tmp_path):
    rows = [
        ["a", "甲", "其他单位", "b"],
        ["b", "乙", "其他单位", "c"],
        ["c", "丙", "其他单位", "a"],
    ]
    said = problems(load(workbook(tmp_path / "c.xlsx", {"units": [UNIT_HEADER, *rows]})))
    assert len(said) == 3
    assert "第 2 行" in said[0]
    assert "上级单位形成循环：a → b → c → a" in said[0]
    assert_nothing_loaded()


def test_a_unit_that_is_its_own_parent_is_a_cycle(tmp_path):
    path = workbook(tmp_path / "c.xlsx", {"单位": [UNIT_HEADER, ["a", "甲", "其他单位", "a"]]})
    assert "上级单位形成循环：a → a" in problems(load(path))[0]


def test_duplicate_codes_and_names_point_at_the_first_row(tmp_path):
    rows = [
        ["a", "甲", "其他单位"],
        ["b", "乙", "其他单位"],
        ["a", "丙", "其他单位"],
        ["c", "乙", "其他单位"],
    ]
    said = problems(load(workbook(tmp_path / "c.xlsx", {"单位": [UNIT_HEADER[:3], *rows]})))
    assert "工作表“单位”(units) 第 4 行：“a”与第 2 行重复" in said
    assert any("第 5 行" in s and "名称“乙”已被“b”使用" in s for s in said)
    assert_nothing_loaded()


def test_an_unknown_role_lists_the_roles_there_are(tmp_path):
    path = workbook(
        tmp_path / "c.xlsx",
        {
            "单位": GOOD_UNITS,
            "工作人员": [
                ["用户名", "姓名", "角色", "所属单位编码"],
                ["wang", "王敏", "局长", "centre"],
            ],
        },
    )
    [said] = problems(load(path))
    assert said.startswith(
        "工作表“工作人员”(staff) 第 2 行 “角色”列：“局长”不是可选值（可选：受理派遣、"
    )
    assert_nothing_loaded()


def test_a_handler_needs_a_unit(tmp_path):
    path = workbook(tmp_path / "c.xlsx", {"staff": [["username", "role"], ["li", "handler"]]})
    assert problems(load(path)) == [
        "工作表“工作人员”(staff) 第 2 行 “所属单位编码”列：角色“承办人员”必须填写所属单位"
    ]


def test_an_empty_sheet_and_an_empty_file_are_refused(tmp_path):
    assert problems(load(workbook(tmp_path / "a.xlsx", {"单位": []}))) == [
        "工作表“单位”(units)：工作表是空的：第 1 行应为表头（列名）"
    ]
    assert problems(load(workbook(tmp_path / "b.xlsx", {"单位": [UNIT_HEADER]}))) == [
        "文件中的工作表都没有数据行"
    ]
    assert problems(load(workbook(tmp_path / "c.xlsx", {"Sheet1": []}))) == [
        "未知的工作表“Sheet1”（可用：诉求类型(types)、单位(units)、诉求分类(categories)、"
        "职责归属(responsibilities)、分类时限(time_limits)、模型标签映射(label_mappings)、"
        "放假安排年度(holiday_years)、"
        "节假日(holidays)、工作人员(staff)）"
    ]
    (tmp_path / "d.xlsx").write_text("not a spreadsheet")
    assert "应为 .xlsx 文件" in problems(load(tmp_path / "d.xlsx"))[0]
    assert_nothing_loaded()


def test_wrong_types_are_each_reported(tmp_path):
    path = workbook(
        tmp_path / "c.xlsx",
        {
            "单位": [[*UNIT_HEADER, "启用"], ["a", "甲", "区", None, "也许"]],
            "诉求类型": [
                ["编码", "名称", "办结时限（工作日）"],
                ["x", "催办", "十五"],
                ["y", "其他", -1],
            ],
            "节假日": [["日期", "上班"], ["十月一日", "否"]],
        },
    )
    said = problems(load(path))
    assert (
        "工作表“单位”(units) 第 2 行 “类型”列：“区”不是可选值"
        "（可选：市级受理中心、市直部门、区县、街道/乡镇、其他单位）" in said
    )
    assert "工作表“单位”(units) 第 2 行 “启用”列：“也许”应填“是”或“否”" in said
    assert (
        "工作表“诉求类型”(types) 第 2 行 “办结时限（工作日）”列：“十五”不是 0 到 32767 之间的整数"
        in said
    )
    assert (
        "工作表“诉求类型”(types) 第 3 行 “办结时限（工作日）”列：“-1”不是 0 到 32767 之间的整数"
        in said
    )
    assert (
        "工作表“节假日”(holidays) 第 2 行 “日期”列：“十月一日”不是日期（格式 2026-10-01）" in said
    )
    assert_nothing_loaded()


def test_a_missing_column_and_an_unknown_one_are_named(tmp_path):
    path = workbook(tmp_path / "c.xlsx", {"单位": [["编码", "名字"], ["a", "甲"]]})
    said = problems(load(path))
    assert (
        "工作表“单位”(units)：第 1 行有未知的列“名字”"
        "（可用：编码、名称、类型、上级单位编码、所在区县编码、启用、答复须经单位负责人审核）"
        in said
    )
    assert "工作表“单位”(units)：缺少“名称”列" in said


def test_references_to_what_does_not_exist(tmp_path):
    path = workbook(
        tmp_path / "c.xlsx",
        {
            "单位": GOOD_UNITS,
            "诉求分类": [["一级分类", "二级分类"], ["城乡建设", "物业管理"]],
            "职责归属": [["分类", "区县编码", "责任单位编码"], ["环境保护", "centre", "huanbao"]],
        },
    )
    said = problems(load(path))
    assert (
        "工作表“诉求分类”(categories) 第 2 行 “一级分类”列：一级分类“城乡建设”不存在，请先单列一行"
        in said
    )
    assert "工作表“职责归属”(responsibilities) 第 2 行 “分类”列：分类“环境保护”不存在" in said
    assert (
        "工作表“职责归属”(responsibilities) 第 2 行 “区县编码”列：“centre”不是类型为区县的单位"
        in said
    )
    assert (
        "工作表“职责归属”(responsibilities) 第 2 行 “责任单位编码”列：单位“huanbao”不存在" in said
    )
    assert_nothing_loaded()
