"""Join runs of `page_bench.py` into the tables of docs/benchmarks.md.

.venv/bin/python benchmarks/page_table.py   # reads var/bench/pages-{postgresql,sqlite}.json
.venv/bin/python benchmarks/page_table.py --growth 100k 1m 4m
    # reads var/bench/pages-postgresql-{100k,1m,4m}.json: each page's p95 and × bare at each
    # size, and how its median (as × bare) grew from the first size to the last
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MS = 200


def cell(row: dict | None) -> str:
    if row is None:
        return "—"
    median, p95 = round(row["median_ms"]), round(row["p95_ms"])
    text = f"{median} / {p95}"
    return f"**{text}**" if max(median, p95) >= LIMIT_MS else text


def ratio(row: dict | None) -> str:
    # Median over the bare endpoint's median in the same run (page_bench.py).
    return "—" if row is None or row.get("x_bare") is None else str(row["x_bare"])


def load(name: str) -> dict[str, dict]:
    rows = json.loads((ROOT / "var" / "bench" / f"pages-{name}.json").read_text())
    return {row["page"]: row for row in rows}


def growth(tags: list[str]) -> None:
    """Each page at each size: p95 ms and the median as × bare, then last ÷ first."""
    runs = [load(f"postgresql-{tag}") for tag in tags]
    head = " | ".join(f"{tag}: p95 ms (× bare)" for tag in tags)
    print(f"| page | {head} | growth {tags[0]} → {tags[-1]} |")
    print("|---|" + "---:|" * (len(tags) + 1))
    labels = list(dict.fromkeys(label for run in runs for label in run))
    for label in labels:
        rows = [run.get(label) for run in runs]
        cells = ["—" if row is None else f"{round(row['p95_ms'])} ({ratio(row)})" for row in rows]
        first, last = rows[0], rows[-1]
        if first and last and first.get("x_bare") and last.get("x_bare"):
            grown = f"{last['x_bare'] / first['x_bare']:.1f}×"
        else:
            grown = "—"
        print(f"| {label} | {' | '.join(cells)} | {grown} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--growth", nargs="+", metavar="TAG", help="PostgreSQL runs by tag")
    args = parser.parse_args()
    if args.growth:
        growth(args.growth)
        return
    pg, lite = load("postgresql"), load("sqlite")
    print(
        "| page | persona | PostgreSQL median / p95 ms | SQLite median / p95 ms "
        "| × bare endpoint (PG / SQLite) | queries (PG / SQLite) |\n|---|---|---:|---:|---:|---:|"
    )
    for label in [*pg, *(label for label in lite if label not in pg)]:
        a, b = pg.get(label), lite.get(label)
        persona = (a or b)["persona"]
        queries = f"{a['queries'] if a else '—'} / {b['queries'] if b else '—'}"
        ratios = f"{ratio(a)} / {ratio(b)}"
        wholes = [
            f"{name} {round(row['whole_ms'])} ms"
            for name, row in (("PG", a), ("SQLite", b))
            if row and row.get("whole_ms")
        ]
        shown = f"{label} (whole file: {', '.join(wholes)})" if wholes else label
        print(f"| {shown} | {persona} | {cell(a)} | {cell(b)} | {ratios} | {queries} |")


if __name__ == "__main__":
    main()
