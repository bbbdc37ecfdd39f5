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

ROOT = Path(__file__).resolve().parents[1]
DB = "minxin_chainbench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def setup_database() -> None:
    env = {**os.environ, "DATABASE_URL": URL, "DEBUG": "1"}
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


def submitter(mode: str, seconds: float, start_at: float, out: mp.Queue) -> None:
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
    count = 0
    time.sleep(max(0.0, start_at - time.time()))
    end = time.time() + seconds
    while time.time() < end:
        data = Submission(
            request_type="complaint",
            title=f"小区电梯停运第{count}天",
            content="三号楼电梯停运一周，物业不维修，老人上下楼困难，请尽快处理。",
            category_id=category.pk,
            anonymous=True,
            district_id=district.pk,
        )
        ticket_submit(data=data, actor=Actor())
        count += 1
    connection.close()
    out.put(count)


def run(mode: str, procs: int, seconds: float) -> dict:
    out: mp.Queue = mp.Queue()
    start_at = time.time() + 3.0  # every process connected and warm before the clock starts
    workers = [
        mp.Process(target=submitter, args=(mode, seconds, start_at, out)) for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    total = sum(results)
    return {"mode": mode, "procs": procs, "submissions": total, "per_second": total / seconds}


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
    print("\n| app processes | pending (no wait): submissions/s | waiting for the head | ratio |")
    print("|---|---|---|---|")
    for procs in args.procs:
        new = next(r for r in rows if r["procs"] == procs and r["mode"] == "pending")
        old = next(r for r in rows if r["procs"] == procs and r["mode"] == "waiting")
        print(
            f"| {procs} | {new['per_second']:.1f} | {old['per_second']:.1f} | "
            f"{new['per_second'] / max(old['per_second'], 1e-9):.2f} |"
        )


if __name__ == "__main__":
    main()
