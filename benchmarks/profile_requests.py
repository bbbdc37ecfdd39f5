"""Where one request's CPU goes, in-process: SQL statements, CPU ms, and a CPU-time profile.

Run after benchmarks/run_api_bench.py (which leaves the bench database and the tracking
pairs in var/bench/), from the repository root:

    .venv/bin/python benchmarks/profile_requests.py [--endpoint track] [--n 300]

It serves the requests through Django's test client in this one process (no gunicorn, no
sockets but the ones to PostgreSQL and Redis), so the figures are the application's own
cost without the HTTP server. cProfile is driven by `time.process_time`, so time spent
waiting for PostgreSQL or for a CPU on a busy machine is not counted; its own overhead
inflates the absolute figures, the shares are what to read. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

from run_api_bench import bench_keys  # benchmarks/ is the script's own folder

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SUBMIT_BODY = {
    "request_type": "complaint",
    "title": "压测：小区门口路灯不亮",
    "content": "小区东门外的三盏路灯已经连续一周不亮，晚上老人和孩子出行很不方便，"
    "希望有关部门尽快派人检修。",
    "anonymous": True,
    "channel": "api",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoint", choices=["ping", "insert", "submit", "track", "all"], default="all"
    )
    parser.add_argument("--n", type=int, default=300, help="requests per measurement")
    parser.add_argument("--top", type=int, default=35, help="rows of the profile to print")
    parser.add_argument("--app-dir", type=Path, default=REPO)
    parser.add_argument("--pairs", type=Path, default=REPO / "var" / "bench" / "tracking_pairs.txt")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/minxin_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "minxin.settings",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            "DEBUG": "0",
            "MINXIN_DEMO": "0",
            **bench_keys(REPO / "var" / "bench" / "data"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "ERROR",
            "MINXIN_DATA_DIR": str(REPO / "var" / "bench" / "data"),
            "MINXIN_BENCH_ENDPOINTS": "1",
        }
    )
    sys.path.insert(0, str(args.app_dir.resolve()))
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    code, password = args.pairs.read_text().split("\n", 1)[0].split()
    body = json.dumps(SUBMIT_BODY, ensure_ascii=False)
    calls = {
        "ping": lambda: client.get("/api/v1/ping"),
        "insert": lambda: client.post("/api/v1/bench/insert", "", content_type="application/json"),
        "submit": lambda: client.post("/api/v1/requests", body, content_type="application/json"),
        "track": lambda: client.get(f"/api/v1/requests/{code}?password={password}"),
    }
    expected = {"ping": 200, "insert": 201, "submit": 201, "track": 200}
    names = list(calls) if args.endpoint == "all" else [args.endpoint]

    for name in names:
        call = calls[name]
        for _ in range(20):
            response = call()
        if response.status_code != expected[name]:
            raise SystemExit(f"{name}: HTTP {response.status_code} {response.content[:300]!r}")
        with CaptureQueriesContext(connection) as context:
            call()
        statements = [q["sql"] for q in context.captured_queries]  # before the next request
        cpu = []
        for _ in range(3):
            start = time.process_time()
            for _ in range(args.n):
                call()
            cpu.append((time.process_time() - start) / args.n * 1000)
        print(
            f"== {name}: {len(statements)} SQL statements per request; "
            f"CPU {min(cpu):.3f} ms per request (best of 3 x {args.n}, in-process)"
        )
        for sql in statements:
            print(f"   {sql[:110]}")
        if name in ("ping", "insert"):
            continue
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.n):
            call()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(args.top)
        text = out.getvalue().replace(str(Path(sys.prefix)), "<venv>")
        print(text[text.find("   ncalls") :])
    return 0


if __name__ == "__main__":
    sys.exit(main())
