import json

import pytest
from django.core.management import CommandError, call_command

from minxin.insight.geo import DEMO_FILE, PALETTE, demo_shapes_load, district_map
from minxin.insight.models import DistrictShape
from minxin.insight.tests.helpers import shared


def square(name: str, x: float, y: float) -> dict:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    return {
        "type": "Feature",
        "properties": {"name": name, "adcode": 1},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write(tmp_path, features: list) -> str:
    path = tmp_path / "city.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return str(path)


def test_the_shenyang_districts_load_and_match_the_demo_units(city, capsys):
    call_command("city-geojson", str(shared("shenyang-districts.geojson")))
    assert DistrictShape.objects.count() == 13
    out = capsys.readouterr().out
    assert "已导入13个区县边界" in out
    assert "没有边界的区县单位" not in out


def test_the_map_colours_each_district_by_its_value(db, tmp_path):
    call_command(
        "city-geojson", write(tmp_path, [square("东区", 123, 41), square("西区", 122.8, 41)])
    )
    drawn = district_map({"东区": 10, "西区": 1})
    assert drawn is not None
    assert drawn.width == 600
    areas = {a.name: a for a in drawn.areas}
    assert areas["东区"].fill == PALETTE[-1]
    assert areas["西区"].fill == PALETTE[0]
    assert areas["东区"].path.startswith("M")
    assert areas["东区"].path.endswith("Z")
    # East is to the right: x grows with longitude.
    assert areas["东区"].label_x > areas["西区"].label_x


def test_no_outlines_no_map(db):
    assert district_map({"和平区": 3}) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "无法读取"),
        ('{"type": "FeatureCollection", "features": []}', "没有带名称"),
        (
            '{"features": [{"properties": {"name": "x"},'
            ' "geometry": {"type": "Point", "coordinates": [1, 2]}}]}',
            "不支持的几何类型",
        ),
    ],
)
def test_a_bad_file_is_refused_and_the_old_outlines_kept(db, tmp_path, content, message):
    call_command("city-geojson", write(tmp_path, [square("东区", 123, 41)]))
    bad = tmp_path / "bad.geojson"
    bad.write_text(content, "utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("city-geojson", str(bad))
    assert list(DistrictShape.objects.values_list("name", flat=True)) == ["东区"]


def test_the_demo_reads_the_shared_outlines_when_present(db, monkeypatch, tmp_path):
    folder = shared(DEMO_FILE).parent
    monkeypatch.setenv("MINXIN_SHARED_DATA", str(tmp_path))
    assert demo_shapes_load() == 0  # no file: no map, no error
    monkeypatch.setenv("MINXIN_SHARED_DATA", str(folder))
    assert demo_shapes_load() == 13


def test_the_map_is_drawn_in_time_linear_in_its_points(db, tmp_path):
    """Real outlines have thousands of points (Shenyang's: about 3,000); the projection once
    took the extent again for every point, 0.27 s a page at 3,000 and 4 s at 12,000."""
    import math
    import time

    ring = [
        [
            123 + 0.1 * math.cos(2 * math.pi * i / 12_000),
            41 + 0.1 * math.sin(2 * math.pi * i / 12_000),
        ]
        for i in range(12_000)
    ]
    ring.append(ring[0])
    feature = {
        "type": "Feature",
        "properties": {"name": "圆区", "adcode": 1},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    call_command("city-geojson", write(tmp_path, [feature]))
    started = time.perf_counter()
    drawn = district_map({"圆区": 1})
    assert drawn is not None
    assert drawn.areas[0].path.count(" L") == 12_000
    assert time.perf_counter() - started < 1.0  # linear: about 0.05 s; quadratic: seconds
