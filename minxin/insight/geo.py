"""The city's district map: outlines loaded from a GeoJSON file, drawn on the server as
SVG paths (no tile server, no outside request), each district coloured by a figure."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from minxin.core import clock
from minxin.core.errors import ValidationFailed
from minxin.insight.models import DistrictShape

WIDTH = 600
# A sequential palette (light to dark blue, ColorBrewer "Blues"); the darkest classes take
# white text in the legend. Five classes of equal width between 0 and the maximum.
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
EMPTY = "#f4f4f4"


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    polygons: list
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords or [])
    else:
        raise ValidationFailed(f"不支持的几何类型：{kind}", code="invalid_geojson")
    # Outer rings only, rounded to about 10 m: holes and detail add bytes, not legibility.
    return [[[round(x, 4), round(y, 4)] for x, y, *_ in polygon[0]] for polygon in polygons]


def shapes_parse(text: str) -> list[tuple[str, str, list]]:
    """(name, adcode, rings) of each feature of a GeoJSON FeatureCollection."""
    try:
        data = json.loads(text)
        features = data["features"]
        parsed = [
            (
                str(f["properties"]["name"]).strip(),
                str(f["properties"].get("adcode") or ""),
                _rings(f["geometry"]),
            )
            for f in features
        ]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise ValidationFailed(f"GeoJSON 文件无法读取：{exc}", code="invalid_geojson") from None
    if not parsed or any(not name for name, _, _ in parsed):
        raise ValidationFailed("GeoJSON 中没有带名称（name）的区县", code="invalid_geojson")
    return parsed


def shapes_load(path: Path) -> int:
    """Replace the city's district outlines with those of the file at `path`."""
    if not path.is_file():
        raise ValidationFailed(f"找不到文件：{path}", code="invalid_geojson")
    parsed = shapes_parse(path.read_text(encoding="utf-8-sig"))
    now = clock.now()
    with transaction.atomic():
        DistrictShape.objects.all().delete()
        DistrictShape.objects.bulk_create(
            DistrictShape(name=name, adcode=code, rings=rings, loaded_at=now)
            for name, code, rings in parsed
        )
    return len(parsed)


@dataclass(frozen=True)
class Area:
    name: str
    path: str
    value: float | None
    fill: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class DistrictMap:
    areas: list[Area]
    width: int
    height: int
    legend: list[tuple[str, str]]  # (colour, "a–b")


def district_map(values: dict[str, float]) -> DistrictMap | None:
    """The stored outlines as SVG paths (equirectangular, x scaled by cos(latitude)),
    coloured by `values` (district name → figure); None when no outlines are loaded."""
    shapes = list(DistrictShape.objects.all())
    if not shapes:
        return None
    points = [p for s in shapes for ring in s.rings for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, south, north = min(xs), min(ys), max(ys)
    scale_x = math.cos(math.radians((south + north) / 2))
    span = max((max(xs) - west) * scale_x, north - south)
    k = WIDTH / span
    height = math.ceil((north - south) * k)

    def xy(p: list[float]) -> tuple[float, float]:
        return round((p[0] - west) * scale_x * k, 1), round((north - p[1]) * k, 1)

    top = max(values.values(), default=0) or 1
    areas = []
    for shape in shapes:
        d = " ".join(
            "M" + " L".join(f"{x},{y}" for x, y in map(xy, ring)) + " Z" for ring in shape.rings
        )
        biggest = max(shape.rings, key=len)
        cx, cy = xy(
            [sum(p[0] for p in biggest) / len(biggest), sum(p[1] for p in biggest) / len(biggest)]
        )
        value = values.get(shape.name)
        areas.append(Area(shape.name, d, value, _fill(value, top), cx, cy))
    step = top / len(PALETTE)
    legend = [(c, f"{_fmt(i * step)}–{_fmt((i + 1) * step)}") for i, c in enumerate(PALETTE)]
    return DistrictMap(areas, WIDTH, height, legend)


def _fill(value: float | None, top: float) -> str:
    if not value:
        return EMPTY
    return PALETTE[min(len(PALETTE) - 1, int(value / top * len(PALETTE)))]


def _fmt(x: float) -> str:
    return f"{x:.0f}" if x >= 10 or x == int(x) else f"{x:.1f}"


DEMO_FILE = "shenyang-districts.geojson"


def demo_shapes_load() -> int:
    """The demo city's districts are Shenyang's: their outlines are read from the shared
    real data when it is there (never copied into the repository); 0 when it is not."""
    from minxin.nlp.dataset import shared_data_dir

    folder = shared_data_dir()
    if folder is None or not (folder / DEMO_FILE).is_file():
        return 0
    return shapes_load(folder / DEMO_FILE)
