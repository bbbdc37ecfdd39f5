# ruff: noqa: N999 - a command name with a hyphen, like the city's other set-up commands
"""`minxin city-geojson FILE`: load the city's district outlines for the hot-spot map. The
file is a GeoJSON FeatureCollection of (Multi)Polygons with a `name` property (and
optionally `adcode`); the names are matched to the district units of the same name."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.core.errors import ValidationFailed
from minxin.insight.geo import shapes_load
from minxin.insight.models import DistrictShape
from minxin.org.models import Unit


class Command(BaseCommand):
    help = "Load the city's district outlines (GeoJSON) for the district map."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            n = shapes_load(opts["file"])
        except ValidationFailed as exc:
            raise CommandError(exc.message) from None
        names = set(DistrictShape.objects.values_list("name", flat=True))
        units = set(Unit.objects.filter(kind=Unit.Kind.DISTRICT).values_list("name", flat=True))
        self.stdout.write(f"已导入{n}个区县边界；与区县单位同名的{len(names & units)}个")
        if unmatched := sorted(units - names):
            self.stdout.write(f"没有边界的区县单位：{'、'.join(unmatched)}")
