"""`minxin hotspots --messages messages-with-likes.csv --json`: the hot topics of a message
file (docs/analytics.md, "Hot spots"). Without --messages: the stored topics of the city's
own recent requests, computed afresh."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from minxin.insight.messages import read_messages
from minxin.insight.topics import DISTANCE, MIN_SIZE, as_json, topics_find


class Command(BaseCommand):
    help = "Hot topics (民生热点) of a CSV of messages, or of the city's recent requests."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--messages", type=Path, action="append")
        parser.add_argument("--top", type=int, default=10, help="topics shown (default 10)")
        parser.add_argument("--distance", type=float, default=DISTANCE)
        parser.add_argument("--min-size", type=int, default=MIN_SIZE)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 0 < opts["distance"] < 1 or opts["min_size"] < 2 or opts["top"] < 1:
            raise CommandError("--distance 应在0到1之间，--min-size 至少为2，--top 至少为1")
        if opts["messages"]:
            docs = [doc for doc, _ in read_messages(opts["messages"])]
            topics = topics_find(docs, distance=opts["distance"], min_size=opts["min_size"])
            shown = [as_json(t, rank) for rank, t in enumerate(topics[: opts["top"]], 1)]
            result: dict[str, Any] = {"n": len(docs), "topics_found": len(topics), "topics": shown}
        else:
            from minxin.insight.hotspots import snapshot_take

            snapshot = snapshot_take()
            result = {"n": snapshot.n_requests, "topics": snapshot.topics[: opts["top"]]}
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for topic in result["topics"]:
            self.stdout.write(
                f"{topic['rank']:>2}. {' '.join(topic['keywords'])}  "
                f"{topic['size']}件 赞{topic['likes']} 热度{topic['heat']}  "
                f"{topic['first'][:10]}–{topic['last'][:10]}"
            )
