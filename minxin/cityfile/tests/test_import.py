"""A good file: a dry run says what would change, --commit loads it, a second import
changes nothing, and export then import is the identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from minxin.accounts.models import User
from minxin.cityfile.tests.helpers import UNIT_HEADER, cells, load, workbook
from minxin.org.models import Category, DeadlineOverride, Responsibility, Unit
from minxin.sla.models import Holiday

pytestmark = pytest.mark.django_db

SMALL_CITY = {
    "单位": [
        [*UNIT_HEADER, "所在区县编码"],
        ["centre", "市民诉求受理中心", "市级受理中心", None, None],
        ["heping", "和平区", "区县", None, "heping"],
        ["nanhu", "和平区南湖街道", "街道/乡镇", "heping", "heping"],
        ["zhujian", "市住房和城乡建设局", "bureau", None, None],
    ],
    "诉求分类": [
        ["一级分类", "二级分类", "关键词"],
        ["城乡建设", None, None],
        ["城乡建设", "燃气供应", "燃气 煤气"],
    ],
    "职责归属": [
        ["分类", "区县编码", "责任单位编码"],
        ["城乡建设/燃气供应", None, "zhujian"],
        ["城乡建设/燃气供应", "heping", "nanhu"],
    ],
    "分类时限": [["诉求类型", "分类", "签收时限（工作小时）"], ["投诉", "城乡建设/燃气供应", 2]],
    "节假日": [["日期", "上班", "名称"], ["2026-10-01", "否", "国庆节"]],
    "工作人员": [
        ["用户名", "姓名", "角色", "所属单位编码"],
        ["wang", "王敏", "受理派遣", "centre"],
        ["chen", "陈工", "承办人员", "zhujian"],
    ],
}


def test_a_dry_run_shows_the_changes_and_writes_nothing(tmp_path, capsys):
    call_command("city", "import", str(workbook(tmp_path / "c.xlsx", SMALL_CITY)))
    out = capsys.readouterr().out
    assert "单位(units)：新增 4，修改 0，不变 0" in out
    assert "  + 第 4 行：编码=nanhu 名称=和平区南湖街道 类型=街道/乡镇 上级单位编码=heping" in out
    assert Unit.objects.count() == 0
    assert User.objects.count() == 0


def test_commit_loads_every_sheet_and_a_second_import_changes_nothing(tmp_path, capsys):
    path = workbook(tmp_path / "c.xlsx", SMALL_CITY)
    call_command("city", "import", str(path), "--commit")
    nanhu = Unit.objects.get(code="nanhu")
    assert nanhu.parent.code == "heping"
    assert nanhu.path == f"/{nanhu.parent_id}/{nanhu.pk}/"
    gas = Category.objects.get(name="燃气供应", parent__name="城乡建设")
    assert {
        (r.district_id and r.district.code, r.unit.code) for r in Responsibility.objects.all()
    } == {
        (None, "zhujian"),
        ("heping", "nanhu"),
    }
    assert (
        DeadlineOverride.objects.get(category=gas, request_type__code="complaint").sign_hours == 2
    )
    assert Holiday.objects.get(date=dt.date(2026, 10, 1)).is_workday is False
    chen = User.objects.get(username="chen")
    assert (chen.role, chen.unit.code, chen.has_usable_password()) == ("handler", "zhujian", False)
    assert "/staff/password/set/" in capsys.readouterr().out
    call_command("city", "import", str(path), "--commit")
    assert capsys.readouterr().out.splitlines()[0] == "no changes（没有变化）"


def test_a_changed_row_is_shown_old_to_new_and_columns_left_out_are_kept(tmp_path, capsys):
    load(workbook(tmp_path / "a.xlsx", SMALL_CITY))
    Unit.objects.filter(code="zhujian").update(reply_approval=True)
    renamed = {"单位": [UNIT_HEADER[:3], ["zhujian", "市住建局", "市直部门"]]}
    call_command("city", "import", str(workbook(tmp_path / "b.xlsx", renamed)), "--commit")
    out = capsys.readouterr().out
    assert "~ 第 2 行 zhujian：名称 “市住房和城乡建设局” → “市住建局”" in out
    zhujian = Unit.objects.get(code="zhujian")
    assert (zhujian.name, zhujian.reply_approval) == ("市住建局", True)


def test_a_moved_unit_moves_its_branch(tmp_path):
    load(workbook(tmp_path / "a.xlsx", SMALL_CITY))
    moved = {"单位": [UNIT_HEADER, ["heping", "和平区", "区县", "zhujian"]]}
    assert not load(workbook(tmp_path / "b.xlsx", moved)).problems
    zhujian, heping, nanhu = (Unit.objects.get(code=c) for c in ("zhujian", "heping", "nanhu"))
    assert nanhu.path == f"/{zhujian.pk}/{heping.pk}/{nanhu.pk}/"


def test_export_then_import_is_the_identity(tmp_path, capsys):
    load(workbook(tmp_path / "a.xlsx", SMALL_CITY))
    call_command("city", "export", str(tmp_path / "out.xlsx"))
    call_command("city", "import", str(tmp_path / "out.xlsx"), "--commit")
    assert "no changes（没有变化）" in capsys.readouterr().out
    call_command("city", "export", str(tmp_path / "again.xlsx"))
    exported = cells(tmp_path / "out.xlsx")
    assert exported == cells(tmp_path / "again.xlsx")
    units = exported["单位"]
    assert units[0] == (
        "编码",
        "名称",
        "类型",
        "上级单位编码",
        "所在区县编码",
        "启用",
        "答复须经单位负责人审核",
    )
    assert ("nanhu", "和平区南湖街道", "街道/乡镇", "heping", "heping", "是", "否") in units


def test_an_account_made_by_createsuperuser_exports_and_imports_back(tmp_path, capsys):
    User.objects.create_superuser("root", password="x-root-2026")  # role: handler, no unit
    call_command("city", "export", str(tmp_path / "out.xlsx"))
    call_command("city", "import", str(tmp_path / "out.xlsx"))
    assert capsys.readouterr().out.splitlines()[-1] == "no changes（没有变化）"


def test_the_demo_city_round_trips(city, tmp_path, capsys):
    call_command("city", "export", str(tmp_path / "demo.xlsx"))
    call_command("city", "import", str(tmp_path / "demo.xlsx"))
    assert capsys.readouterr().out.splitlines()[-1] == "no changes（没有变化）"
