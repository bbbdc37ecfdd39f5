#!/usr/bin/env python3
"""Submissions per second with 1, 2 and 4 app processes against one PostgreSQL, with the
audit chain as it is (entries left pending when the head is busy, no transaction waits for
it) and as it was (every transaction queued for the head row and held it to its commit).

    .venv/bin/python benchmarks/chain_bench.py [--seconds 20] [--procs 1 2 4]

Drops and recreates the PostgreSQL database `minxin_chainbench` (127.0.0.1:5432, trust),
migrates it and loads the demo city, then for each process count and each mode starts that
many processes that submit anonymous complaints through `ticket_submit` (the service the
portal, the API and Open311 call: the request, its timeline step, the outbox, the chain),
each in its own transaction, for `--seconds`. Both modes run back to back at each count,
so their ratio is measured on the same machine within a minute. Afterwards every entry
must be linked and `audit verify` must pass.

"waiting" is the old behaviour reproduced by one switch: `_head(wait=True)` for every
append, i.e. `SELECT ... FOR UPDATE` on the head, as before pending entries existed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "minxin_chainbench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
WARMUP = 3
# As the demo runs: production settings (DEBUG off), the install's development keys allowed.
ENV = {"DATABASE_URL": URL, "DEBUG": "0", "MINXIN_DEMO": "1"}


def setup_database() -> None:
    env = {**os.environ, **ENV}
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "-m", "minxin", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def django_up() -> None:
    os.environ.update(
        {"DATABASE_URL": URL, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minxin.settings"}
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def submitter(mode: str, seconds: float, ready: Any, out: mp.Queue) -> None:
    django_up()
    from django.db import connection

    from minxin.audit import services
    from minxin.org.models import Category, Unit
    from minxin.tickets.actors import Actor
    from minxin.tickets.submission import Submission, ticket_submit

    if mode == "waiting":
        real = services._head
        services._head = lambda *, wait: real(wait=True)  # type: ignore[assignment]
    category = Category.objects.filter(parent__isnull=False, is_active=True).first()
    district = Unit.objects.filter(kind=Unit.Kind.DISTRICT).first()
    assert category is not None
    assert district is not None

    def one(i: int) -> None:
        data = Submission(
            request_type="complaint",
            title=f"小区电梯停运第{i}天",
            content="三号楼电梯停运一周，物业不维修，老人上下楼困难，请尽快处理。",
            category_id=category.pk,
            anonymous=True,
            district_id=district.pk,
        )
        ticket_submit(data=data, actor=Actor())

    for i in range(WARMUP):  # models, indexes and lexicons loaded before the clock starts
        one(i)
    ready.wait()
    count, end = 0, time.time() + seconds
    while time.time() < end:
        one(count)
        count += 1
    connection.close()
    out.put(count)


def sample_waits(stop: Any, counts: dict[str, int]) -> None:
    """Every 20 ms: how many of the bench's backends are running, and how many of those wait
    for a row lock (the chain's head) rather than working."""
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        while not stop.is_set():
            busy, waiting = db.execute(
                "SELECT count(*) FILTER (WHERE state = 'active'),"
                " count(*) FILTER (WHERE wait_event_type = 'Lock')"
                " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [DB],
            ).fetchone()
            counts["busy"] += busy
            counts["waiting"] += waiting
            time.sleep(0.02)


def run(mode: str, procs: int, seconds: float) -> dict:
    import threading

    out: mp.Queue = mp.Queue()
    ready = mp.Barrier(procs)
    workers = [mp.Process(target=submitter, args=(mode, seconds, ready, out)) for _ in range(procs)]
    for worker in workers:
        worker.start()
    stop, counts = threading.Event(), {"busy": 0, "waiting": 0}
    sampler = threading.Thread(target=sample_waits, args=(stop, counts))
    sampler.start()
    results = [out.get(timeout=seconds + 600) for _ in workers]
    stop.set()
    sampler.join()
    for worker in workers:
        worker.join()
    total = sum(results)
    return {
        "mode": mode,
        "procs": procs,
        "submissions": total,
        "per_second": total / seconds,
        "lock_wait_share": counts["waiting"] / max(counts["busy"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    if not args.skip_setup:
        setup_database()
    rows = []
    for procs in args.procs:
        for mode in ("pending", "waiting"):
            row = run(mode, procs, args.seconds)
            rows.append(row)
            print(json.dumps(row), flush=True)
    django_up()
    from minxin.audit.models import PendingEntry
    from minxin.audit.verify import chain_verify

    report = chain_verify()
    print(
        f"audit verify: ok={report.ok} entries={report.entries} "
        f"pending left={PendingEntry.objects.count()} problems={report.problems[:3]}"
    )
    print(
        "\n| app processes | submissions/s, pending | submissions/s, waiting for the head "
        "| ratio | busy backends waiting on a lock, pending | same, waiting for the head |"
    )
    print("|---|---|---|---|---|---|")
    for procs in args.procs:
        new = next(r for r in rows if r["procs"] == procs and r["mode"] == "pending")
        old = next(r for r in rows if r["procs"] == procs and r["mode"] == "waiting")
        print(
            f"| {procs} | {new['per_second']:.1f} | {old['per_second']:.1f} | "
            f"{new['per_second'] / max(old['per_second'], 1e-9):.2f} | "
            f"{new['lock_wait_share']:.0%} | {old['lock_wait_share']:.0%} |"
        )


if __name__ == "__main__":
    main()
