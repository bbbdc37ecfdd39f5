"""The demo city comes from minxin/demo/city.xlsx, which is built from minxin/demo/city.py,
and its responsibility table sends plain requests where a resident of a Chinese city would
expect them to go."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from minxin.cityfile.tests.helpers import cells
from minxin.demo.cityfile import DEMO_FILE
from minxin.org.models import Category, Unit
from minxin.routing.recommend import Case, knowledge


def test_the_file_in_the_repository_is_built_from_its_source(tmp_path):
    call_command("demo_city_file", str(tmp_path / "city.xlsx"))
    assert cells(tmp_path / "city.xlsx") == cells(DEMO_FILE), (
        "minxin/demo/city.xlsx is stale: run `minxin demo_city_file`"
    )


def test_loading_it_again_changes_nothing_even_after_the_walk(city, capsys):
    from minxin.demo.seed import APPROVING_UNIT, build_city

    Unit.objects.filter(code=APPROVING_UNIT).update(reply_approval=True)  # as the walk does
    call_command("city", "import", str(DEMO_FILE))
    assert capsys.readouterr().out.splitlines()[-1] == "no changes（没有变化）"
    build_city()  # `python3 dev.py demo` runs it at every start
    assert Unit.objects.get(code=APPROVING_UNIT).reply_approval


@pytest.mark.parametrize(
    ("path", "district", "expected"),
    [
        ("商贸旅游/电梯安全", "heping", ["shichang"]),  # lifts are 特种设备
        ("商贸旅游/食品安全", "heping", ["shichang"]),
        ("商贸旅游/消费维权", "shenhe", ["shichang"]),
        ("商贸旅游", "shenhe", ["shichang"]),  # first level alone: the market regulator
        ("城乡建设/燃气供应", "huanggu", ["zhujian"]),
        ("城乡建设/物业管理", "heping", ["heping", "zhujian"]),
        ("城乡建设/市政设施", "heping", ["heping", "chengguan"]),  # street facilities
        ("城乡建设/市容秩序", "shenhe", ["shenhe", "chengguan"]),  # 占道经营
        ("城乡建设/违章建筑", "hunnan", ["hunnan", "chengguan"]),
        ("城乡建设/供水排水", "huanggu", ["shuiwu"]),
        ("环境保护/大气污染", "heping", ["huanbao"]),  # exhaust, fumes
        ("环境保护/噪声污染", "heping", ["heping", "huanbao"]),  # construction noise
        ("环境保护/社会生活噪声", "heping", ["gongan"]),  # square dancing, neighbours
        ("交通运输/道路交通", "shenhe", ["jiaojing"]),
        ("劳动和社会保障/医疗保险", "shenhe", ["yibao"]),
    ],
)
def test_plain_requests_go_to_the_unit_that_owns_them(city, path, district, expected):
    top, _, name = path.partition("/")
    found = (
        Category.objects.get(name=name, parent__name=top)
        if name
        else Category.objects.get(name=top)
    )
    case = Case("", district_id=city["units"][district].pk, category_id=found.pk, confirmed=True)
    assert [g.unit.code for g in knowledge().recommend([case])[0]] == expected


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("电梯困人，老人被困在里面半小时", "市市场监督管理局"),
        ("楼道里有很浓的煤气味，怀疑燃气泄漏", "市住房和城乡建设局"),
        ("渣土车尾气冒黑烟，废气呛人", "市生态环境局"),
        ("每晚广场舞高音喇叭扰民", "市公安局"),
    ],
)
def test_a_citizen_typing_a_plain_complaint_is_told_the_expected_unit(client, city, text, unit):
    data = client.get("/submit/suggest", {"text": text}).json()
    assert data["unit"]["name"] == unit
