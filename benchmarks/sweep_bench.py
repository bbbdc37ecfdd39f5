"""Deadline sweep over 1,000,000 open requests with 1% due for a yellow warning and 1% past
their deadline (red: a supervision order each), on PostgreSQL.

    .venv/bin/python benchmarks/sweep_bench.py [--rows 1000000] [--due-share 0.01] \
        [--overdue-share 0.01]

Creates (and drops first) the database `minxin_sweep_bench`, fills it with SQL
`generate_series` (fast), then times one sweep pass (yellow and red) and a second, idle pass.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "minxin_sweep_bench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-q", "-c", sql], check=True
    )


def fill(rows: int, due_share: float, overdue_share: float) -> None:
    import django
    from django.db import connection

    django.setup()
    from minxin.demo.seed import build_city

    build_city()
    due = int(rows * due_share)
    late = due + int(rows * overdue_share)
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM org_requesttype WHERE code='complaint'")
        type_id = cur.fetchone()[0]
        cur.execute("SELECT id FROM org_unit WHERE code='zhujian'")
        unit_id = cur.fetchone()[0]
        # Every row is signed and in its reply stage; the first `due` rows are past 80% of
        # their time, the next ones past their deadline (warned yellow before), the others far
        # from both.
        cur.execute(f"""
            INSERT INTO tickets_ticket (tracking_code, request_type_id, title, content, channel,
              is_anonymous, submitter_name, submitter_phone, submitter_phone_index, query_password_hash, status,
              resume_status, lead_unit_id, version, created_at, accepted_at, due_at, stage,
              stage_due_at, stage_started_at, stage_warn_at, warn_level, extension_days,
              reopen_count, satisfaction, rating_comment, rated_by, address)
            SELECT lpad(to_hex(g), 10, '0'), {type_id}, '路灯不亮', '整条街路灯不亮', 'web',
              true, '', '', '', '', 'signed', '', {unit_id}, 1, now() - interval '10 days',
              now() - interval '10 days',
              CASE WHEN g > {due} AND g <= {late} THEN now() - interval '1 hour'
                   ELSE now() + interval '5 days' END,
              'reply',
              CASE WHEN g > {due} AND g <= {late} THEN now() - interval '1 hour'
                   ELSE now() + interval '5 days' END,
              now() - interval '10 days',
              CASE WHEN g <= {due} THEN now() - interval '1 hour'
                   WHEN g <= {late} THEN now() - interval '2 days'
                   ELSE now() + interval '2 days' END,
              CASE WHEN g > {due} AND g <= {late} THEN 1 ELSE 0 END, 0, 0, '', '', '', ''
            FROM generate_series(1, {rows}) AS g""")
        cur.execute("ANALYZE tickets_ticket")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.01)
    parser.add_argument("--overdue-share", type=float, default=0.01)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=URL,
        DJANGO_SETTINGS_MODULE="minxin.settings",
        HUEY_IMMEDIATE="1",
        LOG_LEVEL="WARNING",
    )
    # The demo city's development keys, without DEBUG's log of every query.
    os.environ.setdefault("MINXIN_DEMO", "1")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run([sys.executable, "-m", "minxin", "migrate", "-v0"], check=True, cwd=ROOT)
    started = time.perf_counter()
    fill(args.rows, args.due_share, args.overdue_share)
    filled = time.perf_counter() - started
    from minxin.supervision.models import SupervisionOrder
    from minxin.supervision.sweeps import sweep

    t0 = time.perf_counter()
    first = sweep()
    t1 = time.perf_counter()
    second = sweep()
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "rows": args.rows,
                "due": int(args.rows * args.due_share),
                "overdue": int(args.rows * args.overdue_share),
                "orders_opened": SupervisionOrder.objects.count(),
                "fill_seconds": round(filled, 1),
                "sweep_seconds": round(t1 - t0, 2),
                "first_pass": first,
                "second_pass_seconds": round(t2 - t1, 3),
                "second_pass": second,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
