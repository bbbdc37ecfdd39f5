"""Server time of every portal and workbench page, on a database filled by bulk_seed.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench100k \\
        .venv/bin/python benchmarks/page_bench.py [--reps 20] [--only search]

Each page is fetched in-process with Django's test Client (middleware, view, queries and
template rendering; no network, no static files), logged in as the demo persona that uses
it: `--warmup` fetches first, then `--reps` timed fetches; then one more fetch counts its SQL
queries. Prints a Markdown table (median, p95, queries) and writes
var/bench/pages-<database>.json. A streamed download (the Excel export) answers when its first
bytes leave: that is its time in the table, and the whole file's time is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
LIMIT_MS = 200
EXPORT_REPS = 3  # an export of 10,000 rows takes a second; three timings are enough
BARE = "bare endpoint (/livez)"


@dataclass
class Page:
    label: str
    persona: str | None  # a staff username, "citizen" (verified phone) or None (anonymous)
    url: str
    method: str = "get"
    data: dict | None = None
    status: int = 200


def pages(ids: dict) -> list[Page]:
    """Every page the brief names, with realistic arguments picked from the database."""
    search = "/staff/search/?"
    d, day = ids["district"], ids["today"]
    year_ago = ids["year_ago"]
    return [
        # The reference: the same stack (middleware) doing no work. Its ratio to a
        # page is what compares across runs on this shared, noisy machine.
        Page(BARE, None, "/livez"),
        Page("portal home", None, "/"),
        Page("portal submit form", None, "/submit/"),
        Page("portal track form", None, "/track/"),
        Page(
            "portal track: code + password",
            None,
            "/track/",
            "post",
            {"tracking_code": ids["anon_code"], "password": ids["password"]},
            302,
        ),
        Page("portal track: result page", "anon-grant", f"/track/{ids['anon_code']}/"),
        Page("portal my requests", "citizen", "/track/mine/"),
        Page("home: intake", "intake", "/staff/"),
        Page("home: handler (zhujian)", "zhujian", "/staff/"),
        Page("home: unit head (zhujian)", "zhujian_head", "/staff/"),
        Page("home: handler (heping)", "heping", "/staff/"),
        Page("home: reviewer", "reviewer", "/staff/"),
        Page("home: callback", "callback", "/staff/"),
        Page("home: supervisor", "supervisor", "/staff/"),
        Page("home: leader", "leader", "/staff/"),
        Page("home: admin", "admin", "/staff/"),
        Page("queue: intake", "intake", "/staff/queues/intake/"),
        Page("queue: to_archive", "callback", "/staff/queues/to_archive/"),
        Page("queue: handling (zhujian)", "zhujian", "/staff/queues/handling/"),
        Page("queue: overdue (supervisor)", "supervisor", "/staff/queues/overdue/"),
        Page("queue: overdue p.5 (supervisor)", "supervisor", "/staff/queues/overdue/?page=5"),
        Page("queue: risk (supervisor)", "supervisor", "/staff/queues/risk/"),
        Page("queue: risk (zhujian)", "zhujian", "/staff/queues/risk/"),
        Page(
            "queue: intake, risk sort, complaints",
            "intake",
            "/staff/queues/intake/?sort=risk&type=complaint",
        ),
        Page(
            "queue: overdue, high risk, by deadline (supervisor)",
            "supervisor",
            "/staff/queues/overdue/?sort=deadline&risk=high",
        ),
        Page(
            "queue: handling, newest, web (zhujian)",
            "zhujian",
            "/staff/queues/handling/?sort=newest&channel=web",
        ),
        Page("detail: archived (admin)", "admin", f"/staff/requests/{ids['archived']}/"),
        Page("detail: signed (handler)", "zhujian", f"/staff/requests/{ids['signed']}/"),
        Page("detail: replied (reviewer)", "reviewer", f"/staff/requests/{ids['replied']}/"),
        Page("detail: submitted (intake)", "intake", f"/staff/requests/{ids['submitted']}/"),
        Page("search: form", "intake", "/staff/search/"),
        Page("search: all", "intake", search + "q="),
        Page("search: text common", "intake", search + urlencode({"q": "小区"})),
        Page("search: text rare", "intake", search + urlencode({"q": "婚纱艺术"})),
        Page("search: text none", "intake", search + urlencode({"q": "无此内容词"})),
        Page("search: text 1 char", "intake", search + urlencode({"q": "漏"})),
        Page("search: text 2 chars", "intake", search + urlencode({"q": "噪音"})),
        Page(
            "search: text + status", "intake", search + urlencode({"q": "噪音", "status": "signed"})
        ),
        Page("search: status signed", "intake", search + "status=signed"),
        Page("search: district", "intake", search + f"district={d}"),
        Page(
            "search: date range",
            "intake",
            search + urlencode({"date_from": year_ago, "date_to": day}),
        ),
        Page("search: overdue", "intake", search + "overdue=on"),
        Page(
            "search: combined",
            "intake",
            search
            + urlencode({"q": "小区", "status": "closed", "district": d, "date_from": year_ago}),
        ),
        Page("search: page 50", "intake", search + "page=50"),
        Page("search: handler, text", "zhujian", search + urlencode({"q": "物业"})),
        Page("search: code prefix", "intake", search + urlencode({"code": ids["anon_code"][:4]})),
        Page("export: status closed", "intake", "/staff/search/export.xlsx?status=closed"),
        Page("export: overdue", "supervisor", "/staff/search/export.xlsx?overdue=on"),
        Page("unit list (comparison, this month)", "supervisor", "/staff/units/"),
        Page("unit list (comparison, this year)", "supervisor", "/staff/units/?period=this_year"),
        Page("unit record (zhujian)", "supervisor", f"/staff/units/{ids['zhujian']}/record/"),
        Page(
            "unit record (zhujian, this year)",
            "supervisor",
            f"/staff/units/{ids['zhujian']}/record/?period=this_year",
        ),
        Page("supervision orders", "supervisor", "/staff/supervision/"),
        Page("supervision orders: all", "supervisor", "/staff/supervision/?state=all"),
        Page("supervision orders (zhujian)", "zhujian", "/staff/supervision/"),
        Page("inbox (zhujian)", "zhujian", "/staff/inbox/"),
        Page("inbox unread (heping)", "heping", "/staff/inbox/?unread=1"),
        Page("inbox (intake)", "intake", "/staff/inbox/"),
        *dashboards(ids),
    ]


def dashboards(ids: dict) -> list[Page]:
    """The back tier (issue 16): the dashboard as each of its readers with its period
    choices, its drill-down, an export, the hot spots and ranking pages, the public page and
    the API's summary."""
    three = urlencode({"from": ids["three_years_ago"], "to": ids["today"]})
    year = urlencode({"from": ids["year_ago"], "to": ids["today"]})
    pages = []
    for persona, who in (
        ("leader", "leader"),
        ("supervisor", "supervisor"),
        ("zhujian_head", "unit head (zhujian)"),
    ):
        for query, label in (
            ("", "this month"),
            ("period=last_month", "last month"),
            ("period=this_year", "this year"),
            (year, "12 months"),
            (three, "3 years"),
        ):
            pages.append(Page(f"dashboard: {who}, {label}", persona, f"/staff/dashboard/?{query}"))
    pages += [
        Page(
            "dashboard: leader, 3 years, one district",
            "leader",
            f"/staff/dashboard/?{three}&district={ids['district']}",
        ),
        Page(
            "dashboard: leader, this year, channel web",
            "leader",
            "/staff/dashboard/?period=this_year&channel=web",
        ),
        Page(
            "dashboard drill: submitted this year (leader)",
            "leader",
            "/staff/dashboard/requests/?figure=submitted&period=this_year",
        ),
        Page(
            "dashboard drill: closed this month, p.5 (leader)",
            "leader",
            "/staff/dashboard/requests/?figure=closed&page=5",
        ),
        Page(
            "dashboard export: summary, 3 years",
            "leader",
            f"/staff/dashboard/export/summary.xlsx?{three}",
        ),
        Page("hot spots (leader)", "leader", "/staff/hotspots/"),
        Page("hot spots, this year (leader)", "leader", "/staff/hotspots/?period=this_year"),
        Page("ranking (supervisor)", "supervisor", "/staff/ranking/"),
        Page("public stats", None, "/stats/"),
        Page("public stats, this year", None, "/stats/?period=this_year"),
        Page("public stats, 3 years", None, f"/stats/?{three}"),
        Page("API stats summary, this month", None, "/api/v1/stats/summary"),
        Page("API stats summary, 12 months", None, f"/api/v1/stats/summary?{year}"),
        Page("API stats summary, 3 years", None, f"/api/v1/stats/summary?{three}"),
    ]
    return pages


def pick_ids() -> dict:
    import datetime as dt

    from bulk_seed import BENCH_PASSWORD, phone_for
    from django.utils import timezone

    from minxin.org.models import Unit
    from minxin.tickets.models import Ticket

    def busiest(**filters: object) -> int:
        # The request with the longest timeline among recent ones in that state.
        rows = Ticket.objects.filter(**filters).order_by("-id").values_list("pk", flat=True)
        return rows[:1][0]

    zhujian = Unit.objects.get(code="zhujian")
    anon = (
        Ticket.objects.filter(is_anonymous=True, status="closed", title__contains="小区")
        .exclude(query_password_hash="")
        .order_by("-id")
        .first()
    )
    today = timezone.localdate()
    return {
        "district": Unit.objects.filter(kind=Unit.Kind.DISTRICT).order_by("pk")[0].pk,
        "zhujian": zhujian.pk,
        "archived": busiest(status="archived"),
        "signed": busiest(status="signed", lead_unit=zhujian),
        "replied": busiest(status="replied"),
        "submitted": busiest(status="submitted"),
        "anon_code": anon.tracking_code,
        "password": BENCH_PASSWORD,
        "phone": phone_for(7),
        "today": today.isoformat(),
        "year_ago": (today - dt.timedelta(days=365)).isoformat(),
        "three_years_ago": (today - dt.timedelta(days=3 * 365)).isoformat(),
    }


def client_for(persona: str | None, ids: dict):
    from django.test import Client

    from minxin.accounts.models import User
    from minxin.identity.services import citizen_token_issue
    from minxin.portal import session

    client = Client()
    if persona == "citizen":
        s = client.session
        s[session.TOKEN_KEY] = citizen_token_issue(phone=ids["phone"])
        s.save()
    elif persona == "anon-grant":
        client.post("/track/", {"tracking_code": ids["anon_code"], "password": ids["password"]})
    elif persona:
        client.force_login(User.objects.get(username=persona))
    return client


def fetch(client, page: Page) -> tuple[int, float]:
    """The status, and for a download the seconds from its first byte to its last."""
    call: Callable = getattr(client, page.method)
    response = call(page.url, page.data or {})
    if response.streaming:  # the export: the answer is its first bytes, the file follows
        next(iter(response.streaming_content))
        first = time.perf_counter()
        b"".join(response.streaming_content)
        return response.status_code, time.perf_counter() - first
    return response.status_code, 0.0


def measure(page: Page, client, warmup: int, reps: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        status, _rest = fetch(client, page)
    if status != page.status:
        raise SystemExit(f"{page.label}: {page.url} answered {status}, expected {page.status}")
    times, wholes = [], []
    for _ in range(min(reps, EXPORT_REPS) if ".xlsx" in page.url else reps):
        started = time.perf_counter()
        _status, rest = fetch(client, page)
        answered = time.perf_counter() - rest
        times.append((answered - started) * 1000)
        wholes.append((answered + rest - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fetch(client, page)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {
        "page": page.label,
        "url": page.url,
        "persona": page.persona or "anonymous",
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "queries": len(queries),
        # A download answers with its first bytes; this is its last byte's median.
        "whole_ms": round(statistics.median(wholes), 1) if ".xlsx" in page.url else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="only pages whose label contains one of these (comma-separated)"
    )
    parser.add_argument("--limit", type=float, default=LIMIT_MS, help="p95 aim, ms")
    parser.add_argument("--tag", default="", help="added to the JSON file's name")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database filled by benchmarks/bulk_seed.py.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from minxin.tickets.models import Ticket

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ids = pick_ids()
    # A process builds the unit recommender's neighbour index once in a background thread
    # after its first intake page (then hourly). Let that finish before timing: pages timed
    # during the build measure the build (docs/benchmarks.md).
    from minxin.routing import recommend

    recommend.knowledge()
    while recommend.cache._refreshing:  # a background load under way
        time.sleep(0.1)
    clients: dict = {}
    results = []
    print(f"{connection.vendor}, {Ticket.objects.count()} requests\n")
    print("| page | median ms | p95 ms | × bare | queries |\n|---|---:|---:|---:|---:|")
    bare = None
    for page in pages(ids):
        wanted = [w for w in args.only.split(",") if w]
        if wanted and not any(w in page.label for w in wanted) and page.label != BARE:
            continue
        if page.persona not in clients:
            clients[page.persona] = client_for(page.persona, ids)
        # The bare endpoint answers in well under a millisecond: more fetches steady its median.
        reps = args.reps * 20 if page.label == BARE else args.reps
        row = measure(page, clients[page.persona], args.warmup, reps)
        if page.label == BARE:
            bare = row["median_ms"]
        row["x_bare"] = round(row["median_ms"] / bare, 1) if bare else None
        results.append(row)
        flag = " **over**" if row["p95_ms"] >= args.limit else ""
        whole = f" (whole file {row['whole_ms']} ms)" if row["whole_ms"] else ""
        print(
            f"| {row['page']}{whole} | {row['median_ms']} | {row['p95_ms']}{flag} "
            f"| {row['x_bare']} | {row['queries']} |",
            flush=True,
        )
    tag = f"-{args.tag}" if args.tag else ""
    out = ROOT / "var" / "bench" / f"pages-{connection.vendor}{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
