"""Join the two runs of `page_bench.py` into the table of docs/benchmarks.md.

.venv/bin/python benchmarks/page_table.py   # reads var/bench/pages-{postgresql,sqlite}.json
"""

from __future__ import annotations

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


def main() -> None:
    runs = {
        vendor: {
            row["page"]: row
            for row in json.loads((ROOT / "var" / "bench" / f"pages-{vendor}.json").read_text())
        }
        for vendor in ("postgresql", "sqlite")
    }
    pg, lite = runs["postgresql"], runs["sqlite"]
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
