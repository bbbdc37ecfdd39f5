"""`minxin opendata [--date YYYY-MM-DD] [--if-missing]`: publish the open data as of that day
(today); with `--if-missing`, only when nothing is published yet (the demo's first release)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minxin.opendata.publish import latest, opendata_publish


class Command(BaseCommand):
    help = "生成开放数据（脱敏诉求明细 CSV/JSON 与城市间交换文件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="截至日期（不含），默认今天")
        parser.add_argument("--if-missing", action="store_true", help="已有发布时不再生成")

    def handle(
        self, *args: object, date: str | None = None, if_missing: bool = False, **options: object
    ) -> None:
        if if_missing and latest() is not None:
            self.stdout.write("开放数据已发布，未重新生成")
            return
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        manifest = opendata_publish(day)
        self.stdout.write(json.dumps(manifest, ensure_ascii=False, indent=1))
