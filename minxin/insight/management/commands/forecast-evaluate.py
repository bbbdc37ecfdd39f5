# ruff: noqa: N999 - named like the other evaluation commands: `minxin forecast-evaluate`
"""`minxin forecast-evaluate --messages FILE --json`: the weekly forecast's rolling-origin
backtest against the seasonal naive forecast on the same weeks (docs/analytics.md,
"Forecasts"). `mape` and `mape_seasonal_naive` are of the total weekly volume; a file with a
`category` column also gets them per category, under `by_category`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from minxin.insight.forecast import SEASON, backtest, weekly
from minxin.insight.messages import read_messages


class Command(BaseCommand):
    help = "Backtest of the weekly volume forecast against the seasonal naive forecast."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--messages", type=Path, action="append", required=True)
        parser.add_argument("--weeks", type=int, default=26, help="weeks predicted (default 26)")
        parser.add_argument("--horizon", type=int, default=1, help="weeks ahead (default 1)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 1 <= opts["weeks"] <= 520 or not 1 <= opts["horizon"] <= 26:
            raise CommandError("--weeks 应在1到520之间，--horizon 应在1到26之间")
        rows = read_messages(opts["messages"])
        days = [timezone.localtime(doc.at).date() for doc, _ in rows]
        weeks, y = weekly(days)
        if len(y) <= SEASON:
            raise CommandError(f"连续数据不足{SEASON + 1}周，无法与季节性朴素预测比较")
        result: dict[str, Any] = {
            "n": len(rows),
            "from": weeks[0].isoformat(),
            "to": weeks[-1].isoformat(),
            "horizon": opts["horizon"],
            **backtest(y, weeks=opts["weeks"], horizon=opts["horizon"]),
        }
        by_category: dict[str, list] = defaultdict(list)
        for day, (_, category) in zip(days, rows, strict=True):
            if category:
                by_category[category].append(day)
        if by_category:
            result["by_category"] = {}
            for name, own in sorted(by_category.items()):
                _, series = weekly(own, through=weeks[-1] + (weeks[-1] - weeks[-2]))
                if len(series) > SEASON:
                    result["by_category"][name] = backtest(
                        series, weeks=opts["weeks"], horizon=opts["horizon"]
                    )
        self.stdout.write(
            json.dumps(result, ensure_ascii=False)
            if opts["json"]
            else "\n".join(f"{k}: {v}" for k, v in result.items())
        )
