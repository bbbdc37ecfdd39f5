# ruff: noqa: N999 - a command name with a hyphen, like the other insight commands
"""`minxin insight-refresh [--demo-map]`: what the worker computes on its schedule, now: the
hot-topic snapshot, the early warnings and the demand forecasts. `--demo-map` also loads the
demo city's district outlines from the shared real data when it is there (`seed_demo` runs
this, by name: the demo app imports nothing of insight)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from minxin.insight.demand import forecasts_store
from minxin.insight.geo import demo_shapes_load
from minxin.insight.hotspots import snapshot_take
from minxin.insight.warning import warnings_raise


class Command(BaseCommand):
    help = "Compute the hot topics, early warnings and demand forecasts now."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--demo-map", action="store_true", help="load the shared outlines")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["demo_map"] and (n := demo_shapes_load()):
            self.stdout.write(f"District map: {n} outlines from the shared Shenyang GeoJSON.")
        snapshot = snapshot_take()
        raised = warnings_raise()
        forecasts_store()
        self.stdout.write(
            f"Hot topics: {len(snapshot.topics)} of {snapshot.n_requests} requests; "
            f"warnings raised: {len(raised)}; forecasts stored."
        )
