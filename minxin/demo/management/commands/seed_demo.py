"""`minxin seed_demo`: load the demo city into whichever database is configured."""

from __future__ import annotations

import io
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from minxin.demo import city
from minxin.demo.seed import build_city, seed_requests


class Command(BaseCommand):
    help = "Load the demo city: units, categories, staff accounts and a few hundred requests."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--requests", type=int, default=330)

    def handle(self, *args: Any, **opts: Any) -> None:
        build_city()
        made = seed_requests(count=opts["requests"])
        # The dashboard's figures and the hot-spot page's map, topics and forecasts are there
        # before the worker's first run. By command name: demo imports neither app (an import
        # would close a cycle through workbench and routing, which read the demo city).
        call_command("analytics", "rebuild", stdout=self.stdout)
        call_command("insight-refresh", "--demo-map", stdout=self.stdout)
        # /open-data/ answers from the first release (a city's comes with the first nightly
        # run; until then it is 404): the demo has one at once, made once.
        call_command("opendata", "--if-missing", stdout=io.StringIO())
        if made:
            self.stdout.write(f"Demo city loaded with {made} requests.")
            # The seeded trail is signed and witnessed at once: a cut tail is caught from now.
            from minxin.audit.tasks import checkpoint_now

            checkpoint_now.call_local()
        else:
            self.stdout.write("Demo requests already present; city data checked.")
        self.stdout.write(f"Demo staff accounts (password: {city.DEMO_PASSWORD}):")
        for username, display, role, _ in city.STAFF:
            self.stdout.write(f"  {username:<14} {display}  [{role}]")
