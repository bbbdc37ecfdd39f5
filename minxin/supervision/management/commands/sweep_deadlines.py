"""`minxin sweep_deadlines`: one pass of the deadline sweep (the worker runs it every minute)."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from minxin.notify.services import deliver_due
from minxin.supervision.sweeps import sweep


class Command(BaseCommand):
    help = "Warn, mark overdue, open and escalate supervision, close unrated; deliver messages."

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.perf_counter()
        counts: dict[str, float] = {**sweep(), "delivered": deliver_due()}
        counts["seconds"] = round(time.perf_counter() - started, 3)
        self.stdout.write(json.dumps(counts))
