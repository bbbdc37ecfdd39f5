"""Server time of a citizen's anonymous submission through the portal form and of the
confirmation page it leads to, on a database filled by bulk_seed.py. Each run adds REPS
requests to that database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench100k \\
        .venv/bin/python benchmarks/submit_bench.py [--reps 12]

Like page_bench.py: in-process with Django's test Client, DEBUG off, after the process has
built the unit recommender's neighbour index; the first two submissions are warm-up.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WARMUP = 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=12)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database filled by benchmarks/bulk_seed.py.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from minxin.org.models import Category, Unit
    from minxin.routing import recommend

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    category = Category.objects.filter(parent__isnull=False, is_active=True).first()
    district = Unit.objects.filter(kind=Unit.Kind.DISTRICT).first()
    recommend.knowledge()
    while recommend.cache.building:
        time.sleep(0.1)
    posts, confirmations = [], []
    for i in range(args.reps + WARMUP):
        client = Client()
        form = client.get("/submit/").content.decode()
        token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
        data = {
            "form_token": token,
            "request_type": "complaint",
            "title": f"小区电梯停运第{i}天",
            "content": f"三号楼电梯停运{i}天，物业不维修，老人上下楼困难，请尽快处理。",
            "category": str(category.pk),
            "district": str(district.pk),
            "address": "南湖街道文化路12号",
            "identity": "anonymous",
            "action": "submit",
        }
        started = time.perf_counter()
        response = client.post("/submit/", data)
        posted = time.perf_counter()
        if response.status_code != 302:
            sys.exit(f"submission answered {response.status_code}")
        if client.get(response["Location"]).status_code != 200:
            sys.exit("the confirmation page did not answer 200")
        if i >= WARMUP:
            posts.append((posted - started) * 1000)
            confirmations.append((time.perf_counter() - posted) * 1000)
    print(
        f"{connection.vendor}: submission POST median {statistics.median(posts):.1f} ms, "
        f"max {max(posts):.1f}; confirmation page median {statistics.median(confirmations):.1f}"
        f" ms, max {max(confirmations):.1f} ({args.reps} submissions)"
    )


if __name__ == "__main__":
    main()
