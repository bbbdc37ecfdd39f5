"""Grow a PostgreSQL copy filled by `bulk_seed.py` to millions of requests over five years,
in SQL (issue 16 point 10, issue 20 point 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_scale \\
        .venv/bin/python benchmarks/bulk_seed.py --fresh --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_scale \\
        .venv/bin/python benchmarks/scale_seed.py --target 1000000
    DATABASE_URL=... .venv/bin/python benchmarks/scale_seed.py --target 10000000

`bulk_seed.py` writes the template: the demo city and 100,000 requests over two years, open
ones recent. This script adds copies of the template's *finished* requests (archived, closed,
rejected, merged: 69 % of it) until the table holds TARGET requests, each copy with its
timeline events, units (assignments), replies, risk reading and inbox messages, every moment of
a copy shifted by one amount so that its submission falls uniformly over the last
`--years` years (never past now). So the open work (the template's) stays what a city has on
a given day, and history grows. Copies keep the template's text and its search grams; a
copy of a closed request is archived (the callback agents archive within days, so years of
history are not "closed, to archive").

Everything runs in PostgreSQL (INSERT ... SELECT, `synchronous_commit=off`), one copy of the
template per transaction, recorded in `scale_chunks`: stop it at any point and run it again,
it goes on where it stopped. The secondary indexes of the big tables are dropped before the
first copy (their definitions kept in `scale_indexes`) and rebuilt once at the end.

`--short-after N`: copies written once the table holds N requests carry a short text (the
title and the first `--short-chars` characters of the content, replies cut alike) with the
grams of that text, computed once per template request by `tickets.textsearch.grams` into
`scale_short`. At full text a request costs about 6.8 kB on disk; beyond the first million
that would put 10,000,000 past the disk of the shared machine.

The analytics rollups are then rewritten for every day in SQL (`ROLLUP_SQL`), with the
figures' definitions (`minxin/analytics/figures.py`) simplified for speed: the first response
is the acceptance (or closing, for a refusal), and handling working days count Monday to
Friday. Their row counts per day (the keys present) are what `minxin analytics rebuild` would
write, which is what the dashboards' cost depends on; their values are close, not equal.
The monthly rollups are then summed from the daily ones by the code the worker uses.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIG = [
    "tickets_ticket",
    "tickets_timelineevent",
    "tickets_assignment",
    "tickets_reply",
    "risk_ticketinsight",
    "notify_inboxmessage",
]
FINISHED = "('archived', 'closed', 'rejected', 'merged')"
SHORT_REPLY = 200  # characters of a short copy's reply facts and public reply

SETUP = f"""
CREATE TABLE IF NOT EXISTS scale_chunks (copy int PRIMARY KEY, rows int, done_at timestamptz);
CREATE TABLE IF NOT EXISTS scale_indexes (name text PRIMARY KEY, definition text);
CREATE TABLE IF NOT EXISTS scale_tpl AS
    SELECT id AS tpl_id, (row_number() OVER (ORDER BY id))::int AS rank,
           created_at,
           greatest(closed_at, created_at) - created_at AS span
    FROM tickets_ticket WHERE status IN {FINISHED} AND created_at > now() - interval '800 days';
CREATE TABLE IF NOT EXISTS scale_meta AS
    SELECT (SELECT max(id) FROM tickets_ticket) AS id_base,
           (SELECT count(*) FROM scale_tpl)::int AS per_copy,
           now() AS now;
"""

# One copy: the map from template to new ids and the shift, then every table.
TICKET_COLUMNS = (
    "title, content, address, latitude, longitude, channel, is_anonymous, submitter_name, "
    "submitter_phone, query_password_hash, resume_status, version, extension_days, "
    "reopen_count, satisfaction, rating_comment, rated_by, category_id, district_id, "
    "lead_unit_id, request_type_id, warn_level, submitter_phone_index, merged_into_id, grams, "
    "stage"
)
TIMES = [
    "created_at",
    "accepted_at",
    "due_at",
    "stage_due_at",
    "paused_at",
    "closed_at",
    "stage_started_at",
    "stage_warn_at",
]
COPY_SQL = f"""
CREATE TEMP TABLE m ON COMMIT DROP AS
    SELECT meta.id_base + (%(copy)s - 1) * meta.per_copy + tpl.rank AS new_id,
           tpl.tpl_id,
           least(
               (meta.now - random() * %(years)s * interval '365 days') - tpl.created_at,
               meta.now - interval '1 hour' - tpl.span - tpl.created_at
           ) AS shift
    FROM scale_tpl tpl, scale_meta meta
    WHERE tpl.rank <= %(rows)s;
INSERT INTO tickets_ticket (id, tracking_code, status, {TICKET_COLUMNS}, {", ".join(TIMES)})
    SELECT m.new_id, 'S' || lpad(m.new_id::text, 11, '0'),
           CASE WHEN status = 'closed' THEN 'archived' ELSE status END, {{ticket_columns}},
           {", ".join(f"{c} + m.shift" for c in TIMES)}
    FROM tickets_ticket t JOIN m ON t.id = m.tpl_id {{short_join}};
INSERT INTO tickets_timelineevent (at, action, actor_label, from_status, to_status, note,
        public, actor_id, ticket_id, unit_id, public_note)
    SELECT e.at + m.shift, action, actor_label, from_status, to_status, note, public,
           actor_id, m.new_id, unit_id, public_note
    FROM tickets_timelineevent e JOIN m ON e.ticket_id = m.tpl_id;
INSERT INTO tickets_assignment (role, active, created_at, unit_id, ticket_id, due_at, opinion,
        opinion_at, opinion_by_id, return_reason, signed_at, status, warn_at, warn_level)
    SELECT role, active, a.created_at + m.shift, unit_id, m.new_id, a.due_at + m.shift,
           opinion, a.opinion_at + m.shift, opinion_by_id, return_reason,
           a.signed_at + m.shift, status, a.warn_at + m.shift, warn_level
    FROM tickets_assignment a JOIN m ON a.ticket_id = m.tpl_id;
INSERT INTO tickets_reply (facts, solved, unsolved_reason, public_reply, created_at, review,
        review_note, published_at, author_id, reviewed_by_id, unit_id, ticket_id)
    SELECT {{facts}}, solved, unsolved_reason, {{public_reply}}, r.created_at + m.shift, review,
           review_note, r.published_at + m.shift, author_id, reviewed_by_id, unit_id, m.new_id
    FROM tickets_reply r JOIN m ON r.ticket_id = m.tpl_id;
INSERT INTO risk_ticketinsight (anger, urgency, danger, risk_level, signals, keywords,
        computed_at, ticket_id)
    SELECT anger, urgency, danger, risk_level, signals, keywords, i.computed_at + m.shift,
           m.new_id
    FROM risk_ticketinsight i JOIN m ON i.ticket_id = m.tpl_id;
INSERT INTO notify_inboxmessage (event, text, idempotency_key, created_at, read_at, ticket_id,
        unit_id, user_id)
    SELECT event, text, 'scale:' || n.id || ':' || m.new_id, n.created_at + m.shift,
           coalesce(n.read_at, n.created_at) + m.shift, m.new_id, unit_id, user_id
    FROM notify_inboxmessage n JOIN m ON n.ticket_id = m.tpl_id;
INSERT INTO scale_chunks VALUES (%(copy)s, %(rows)s, now());
"""

# The daily rollups, every day at once (see the module's docstring for what is simplified).
ROLLUP_SQL = """
TRUNCATE analytics_dailyrollup, analytics_handlingcount;
CREATE TEMP TABLE r AS
SELECT t.id, t.request_type_id AS ty, coalesce(t.category_id, 0) AS ca,
       coalesce(t.district_id, 0) AS di, coalesce(t.lead_unit_id, 0) AS un, t.channel AS ch,
       (t.created_at AT TIME ZONE 'Asia/Shanghai')::date AS sday,
       CASE WHEN t.status = 'rejected' THEN t.closed_at ELSE t.accepted_at END AS first,
       t.created_at, t.due_at, t.satisfaction, t.reopen_count, t.status,
       (t.closed_at AT TIME ZONE 'Asia/Shanghai')::date AS cday,
       p.published
FROM tickets_ticket t
LEFT JOIN (SELECT ticket_id, max(published_at) AS published FROM tickets_reply
           WHERE review = 'approved' GROUP BY ticket_id) p ON p.ticket_id = t.id;
CREATE TEMP TABLE c AS
SELECT *, CASE WHEN published IS NULL THEN NULL ELSE
          greatest(0, ((published AT TIME ZONE 'Asia/Shanghai')::date
                       - (created_at AT TIME ZONE 'Asia/Shanghai')::date) * 5 / 7) END AS wd
FROM r WHERE status IN ('closed', 'archived') AND satisfaction <> '';
INSERT INTO analytics_dailyrollup (day, request_type_id, category_id, district_id, unit_id,
    channel, submitted, responded, response_minutes, closed, on_time, handled, handling_days,
    satisfied, basic, unsatisfied, reopened, co_done, co_on_time)
SELECT day, ty, ca, di, un, ch, sum(submitted), sum(responded), sum(response_minutes),
       sum(closed), sum(on_time), sum(handled), sum(handling_days), sum(satisfied),
       sum(basic), sum(unsatisfied), sum(reopened), 0, 0
FROM (
    SELECT sday AS day, ty, ca, di, un, ch, 1 AS submitted, (first IS NOT NULL)::int AS responded,
           coalesce(greatest(0, extract(epoch FROM first - created_at)::bigint / 60), 0)
               AS response_minutes,
           0 AS closed, 0 AS on_time, 0 AS handled, 0 AS handling_days, 0 AS satisfied,
           0 AS basic, 0 AS unsatisfied, 0 AS reopened
    FROM r
    UNION ALL
    SELECT cday, ty, ca, di, un, ch, 0, 0, 0, 1, (published <= due_at)::int,
           (wd IS NOT NULL)::int, coalesce(wd, 0), (satisfaction = 'satisfied')::int,
           (satisfaction = 'basic')::int, (satisfaction = 'unsatisfied')::int,
           (reopen_count > 0)::int
    FROM c
) x GROUP BY day, ty, ca, di, un, ch;
INSERT INTO analytics_handlingcount (day, request_type_id, category_id, district_id, unit_id,
    channel, workdays, count)
SELECT cday, ty, ca, di, un, ch, wd, count(*) FROM c WHERE wd IS NOT NULL
GROUP BY cday, ty, ca, di, un, ch, wd;
INSERT INTO analytics_rollupday (day, computed_at)
    SELECT DISTINCT day, now() FROM analytics_dailyrollup ON CONFLICT (day) DO NOTHING;
"""


def psql(url: str, sql: str, *, quiet: bool = True) -> str:
    settings = "SET synchronous_commit = off; SET maintenance_work_mem = '2GB';"
    settings += " SET work_mem = '256MB';"
    done = subprocess.run(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url],
        input=settings + sql,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(done.stderr)
    return done.stdout.strip()


def copy_sql(short: bool) -> str:
    """COPY_SQL with the template's own text, or (SHORT) the short text of `scale_short`."""
    if not short:
        return COPY_SQL.format(
            ticket_columns=TICKET_COLUMNS,
            short_join="",
            facts="facts",
            public_reply="public_reply",
        )
    columns = TICKET_COLUMNS.replace("content,", "s.content,").replace(
        "grams,", "s.grams::tsvector,"
    )
    return COPY_SQL.format(
        ticket_columns=columns,
        short_join="JOIN scale_short s ON s.tpl_id = t.id",
        facts=f"left(facts, {SHORT_REPLY})",
        public_reply=f"left(public_reply, {SHORT_REPLY})",
    )


def make_short(url: str, chars: int) -> None:
    """Write `scale_short`: each template request's short content and its grams, once."""
    if psql(url, "SELECT to_regclass('scale_short') IS NOT NULL") == "t":
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from minxin.tickets.textsearch import grams

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scale_short_new (tpl_id bigint PRIMARY KEY, content text, grams text)"
        )
        cursor.execute(
            "SELECT t.id, t.title, t.content FROM tickets_ticket t "
            "JOIN scale_tpl tpl ON tpl.tpl_id = t.id"
        )
        rows = [
            (pk, content[:chars], grams(title, content[:chars]))
            for pk, title, content in cursor.fetchall()
        ]
        cursor.executemany("INSERT INTO scale_short_new VALUES (%s, %s, %s)", rows)
        cursor.execute("ALTER TABLE scale_short_new RENAME TO scale_short")
    print(f"short texts: {len(rows)} template requests at {chars} characters", flush=True)


def drop_indexes(url: str) -> None:
    """Keep and drop the secondary (non-unique) indexes of the big tables, once."""
    tables = ", ".join(f"'{t}'" for t in BIG)
    psql(
        url,
        f"""INSERT INTO scale_indexes
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            WHERE c.relname IN ({tables}) AND NOT i.indisunique AND NOT i.indisprimary
            ON CONFLICT DO NOTHING;""",
    )
    for name in psql(url, "SELECT name FROM scale_indexes").split():
        psql(url, f"DROP INDEX IF EXISTS {name};")


def rebuild_indexes(url: str) -> None:
    for row in psql(url, "SELECT name || '|' || definition FROM scale_indexes").splitlines():
        name, definition = row.split("|", 1)
        started = time.perf_counter()
        psql(url, definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1) + ";")
        psql(url, f"DELETE FROM scale_indexes WHERE name = '{name}';")
        print(f"  index {name}: {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=int, required=True, help="requests in all")
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--skip-rollups", action="store_true")
    parser.add_argument("--short-after", type=int, help="copies beyond N requests: short text")
    parser.add_argument("--short-chars", type=int, default=60)
    parser.add_argument(
        "--without-text-index",
        action="store_true",
        help="do not rebuild the search grams' GIN index (39 min at 1,000,000 here)",
    )
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    psql(url, SETUP)
    per_copy = int(psql(url, "SELECT per_copy FROM scale_meta"))
    have = int(psql(url, "SELECT count(*) FROM tickets_ticket"))
    copies = int(psql(url, "SELECT coalesce(max(copy), 0) FROM scale_chunks"))
    print(f"{have} requests, {copies} copies of {per_copy} done; target {args.target}")
    if have < args.target:
        drop_indexes(url)
    started, first = time.perf_counter(), have
    while have < args.target:
        copies += 1
        rows = min(per_copy, args.target - have)
        short = args.short_after is not None and have >= args.short_after
        if short:
            make_short(url, args.short_chars)
        psql(
            url,
            f"BEGIN; SELECT setseed({(copies % 1000) / 1000.0});"
            + copy_sql(short) % {"copy": copies, "rows": rows, "years": args.years}
            + "COMMIT;",
        )
        have += rows
        rate = (have - first) / max(time.perf_counter() - started, 1e-9)
        print(f"\r{have:>9} requests (copy {copies}, {rate:.0f}/s overall)", end="", flush=True)
    print()
    if args.without_text_index:
        psql(url, "DELETE FROM scale_indexes WHERE name = 'tickets_ticket_grams';")
        print("the search grams' index is not rebuilt: text search will scan", flush=True)
    if psql(url, "SELECT count(*) FROM scale_indexes") != "0":
        print("rebuilding indexes", flush=True)
        rebuild_indexes(url)
        psql(
            url,
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
            "(SELECT max(id) FROM tickets_ticket));",
        )
    if not args.skip_rollups:
        started = time.perf_counter()
        psql(url, ROLLUP_SQL)
        print(f"daily rollups: {time.perf_counter() - started:.0f} s", flush=True)
        env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "minxin.settings"}
        subprocess.run(
            [sys.executable, "-m", "minxin", "analytics", "months"], check=True, cwd=ROOT, env=env
        )
        print(f"monthly rollups: {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    psql(url, "VACUUM ANALYZE;")
    print(f"vacuum analyze: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
