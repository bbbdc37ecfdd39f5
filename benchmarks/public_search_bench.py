"""The public search (`minxin.publicinfo.search`) at up to 1,000,000 documents on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_search_bench DEBUG=1 \\
        .venv/bin/python benchmarks/public_search_bench.py --fresh \\
        --steps 100000,300000,1000000 --queries 300

`--fresh` drops and creates the database and migrates it. Documents are made of the real
messages' words (../shared/data, read in place): a pool of messages is cut by jieba's search
mode once; each document takes a title of 4–10 consecutive words of one message and a body of
60–120 consecutive words from one to three others, so words keep the frequencies of real
requests. Kinds (case, guide, notice) and 13 districts are spread evenly. Rows go in with COPY
while the GIN index is dropped; the index is built again and the table analysed at each step.

Queries are what citizens type: the first one to three words (`search.query_words`) of the
titles of messages-with-replies.csv, which the documents are not made from. Each runs through
`search.search()` (20 best, every word required; then any word, as the assistant asks),
timed in-process around the database round trip; the table reports each step's latencies.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = Path(os.environ.get("MINXIN_SHARED_DATA", ROOT.parent / "shared" / "data"))
if not DATA.exists():
    DATA = Path("/work/shared/data")
POOL_FILES = ("messages-unlabeled.csv", "messages-with-likes.csv", "complaints-sample-raw.csv")
KINDS = ("case", "guide", "notice")
INDEX = "publicinfo_search_tsv"


def fresh(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)


def read(name: str) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def word_pool() -> list[list[str]]:
    """The messages' words, cut once and kept in var/bench/ (git-ignored) for the next run."""
    from minxin.publicinfo.search import index_words

    cache = ROOT / "var" / "bench" / "public_search_pool.txt"
    if cache.exists():
        return [line.split() for line in cache.read_text(encoding="utf-8").splitlines()]
    pool = []
    for name in POOL_FILES:
        for row in read(name):
            words = index_words(row.get("title", ""), row.get("text", "")[:1500]).split()
            if len(words) >= 20:
                pool.append(words)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("\n".join(" ".join(words) for words in pool), encoding="utf-8")
    return pool


def documents(pool: list[list[str]], start: int, stop: int, rng: random.Random) -> io.StringIO:
    """COPY text for documents START..STOP-1 (id = ref_id = the number + 1)."""
    out = io.StringIO()
    for n in range(start, stop):
        title_words = rng.choice(pool)
        t = rng.randrange(max(1, len(title_words) - 10))
        title = title_words[t : t + rng.randint(4, 10)]
        body: list[str] = []
        for _ in range(rng.randint(1, 3)):
            words = rng.choice(pool)
            b = rng.randrange(max(1, len(words) - 40))
            body += words[b : b + rng.randint(20, 60)]
        words_text = " ".join(title + body)
        title_text = "".join(title)[:200]
        out.write(
            f"{n + 1}\t{KINDS[n % 3]}\t{n + 1}\t{title_text}\t{''.join(body)[:120]}\t"
            f"/x/{n + 1}/\t{words_text}\t{n % 13 + 1}\t\\N\t\\N\t2026-01-01 00:00:00+00\n"
        )
    out.seek(0)
    return out


def load(pool: list[list[str]], start: int, stop: int, rng: random.Random) -> None:
    from django.db import connection

    columns = (
        "id, kind, ref_id, title, snippet, url, words, district_id, category_id, unit_id, "
        "updated_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        for chunk in range(start, stop, 50_000):
            data = documents(pool, chunk, min(stop, chunk + 50_000), rng)
            with cursor.cursor.copy(f"COPY publicinfo_searchentry ({columns}) FROM STDIN") as copy:
                copy.write(data.read())
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(f"CREATE INDEX {INDEX} ON publicinfo_searchentry USING gin (tsv)")
        cursor.execute("ANALYZE publicinfo_searchentry")


def queries(count: int, rng: random.Random) -> list[str]:
    from minxin.publicinfo.search import query_words

    titles = [row["title"] for row in read("messages-with-replies.csv")]
    rng.shuffle(titles)
    found = []
    for title in titles:
        words = query_words(title)
        if words:
            found.append("".join(words[: rng.randint(1, 3)]))
        if len(found) == count:
            break
    return found


def measure(qs: list[str], match: str) -> dict[str, float]:
    from minxin.publicinfo.search import search

    times, empty = [], 0
    for q in qs:
        began = time.perf_counter()
        hits = search(q, match=match, limit=20)
        times.append((time.perf_counter() - began) * 1000)
        empty += not hits
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "p99": times[int(len(times) * 0.99) - 1],
        "max": times[-1],
        "found": 1 - empty / len(qs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--steps", default="100000,300000,1000000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://…")
    if args.fresh:
        fresh(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    began = time.perf_counter()
    pool = word_pool()
    qs = queries(args.queries, rng)
    print(f"pool: {len(pool)} messages segmented in {time.perf_counter() - began:.0f} s")
    print("| documents | load s | match | p50 ms | p95 ms | p99 ms | max ms | found |")
    print("|---|---|---|---|---|---|---|---|")
    done = 0
    for step in [int(s) for s in args.steps.split(",")]:
        began = time.perf_counter()
        load(pool, done, step, rng)
        loaded, done = time.perf_counter() - began, step
        measure(qs[:20], "all")  # warm the connection and the jieba dictionary
        for match in ("all", "any"):
            r = measure(qs, match)
            print(
                f"| {step:,} | {loaded:.0f} | {match} | {r['p50']:.1f} | {r['p95']:.1f} | "
                f"{r['p99']:.1f} | {r['max']:.1f} | {r['found']:.0%} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
