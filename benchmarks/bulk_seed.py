"""Fill a database with 100,000 requests on top of the demo city, for the page benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/minxin_bench100k \\
        .venv/bin/python benchmarks/bulk_seed.py --fresh [--rows 100000]
    DATABASE_URL=sqlite:///var/bench/bench100k.sqlite3 \\
        .venv/bin/python benchmarks/bulk_seed.py --fresh

`--fresh` drops the database first (PostgreSQL: DROP/CREATE DATABASE; SQLite: the file).
Then `migrate` and `seed_demo` (the demo city and its 330 requests walked through the real
services), and the bulk rows: requests in every state over two years, with the timeline
events, assignments, replies, unit inbox messages and supervision orders the services would
have written for the same path. The services are too slow for 100,000 requests, so rows are
built here and written with `bulk_create`; what is left out: SMS outbox rows, the audit hash
chain (so `minxin audit verify` will not pass on this copy) and the keyword analysis. Each
request's risk level is drawn from the levels measured on the real messages (`RISK_MIX`,
docs/similar-and-risk.md), so the 风险预警 lists hold what a message board's stream gives.
The text-search index (`tickets.textsearch`) is built at the end in one pass.
Deadlines count Monday to Friday only (no holiday table) for speed.

Titles and contents come from the real messages in ../shared/data when present (read in
place, never copied), else from the demo city's samples. Anonymous requests all have the
query password `BENCH_PASSWORD`; real-name ones use phones 139000xxxxx (`phone_for(i)`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_PASSWORD = "246810"
PHONES = 20_000
BATCH = 2_000
# Share of each final state: most of a city's history is finished.
MIX = {
    "archived": 40,
    "closed": 22,
    "rejected": 5,
    "merged": 2,
    "published": 5,
    "replied": 3,
    "signed": 9,
    "dispatched": 4,
    "returned": 1,
    "accepted": 2,
    "submitted": 5,
    "pending_info": 2,
}
SHARED = [ROOT.parent / "shared" / "data", Path("/work/shared/data")]
# Risk levels of the 10,437 real messages (`minxin risk-evaluate`), in per mille.
RISK_MIX = {"low": 851, "medium": 93, "high": 44, "critical": 13}


def phone_for(i: int) -> str:
    return f"139000{i % PHONES:05d}"


def fresh(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        name = parsed.path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
    else:
        path = Path(parsed.path[1:])  # sqlite:///relative or sqlite:////absolute
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)


def texts() -> list[tuple[str, str]]:
    for folder in SHARED:
        rows = []
        for name in ("messages-unlabeled.csv", "messages-with-likes.csv"):
            if (folder / name).exists():
                with open(folder / name, encoding="utf-8", newline="") as f:
                    rows += [
                        (r["title"].strip()[:100], r["text"].strip()[:5000])
                        for r in csv.DictReader(f)
                        if r["title"].strip() and r["text"].strip()
                    ]
        if rows:
            return rows
    from minxin.demo import city

    return [(s[2], s[3]) for s in city.SAMPLES]


def workdays_after(start: dt.datetime, days: int) -> dt.datetime:
    """End (23:59:59 local) of the Nth working day after `start`, Monday to Friday only."""
    from django.utils import timezone

    day = timezone.localtime(start).date()
    while days > 0:
        day += dt.timedelta(days=1)
        days -= day.weekday() < 5
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class Builder:
    """Builds one request's rows along its path, as the services would have written them."""

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        from minxin.accounts.models import User
        from minxin.core.hashing import keyed_hash
        from minxin.demo import city
        from minxin.org.models import Category, RequestType, Responsibility, Unit

        self.rng, self.now, self.city = rng, now, city
        self.texts = texts()
        self.types = list(RequestType.objects.all())
        self.categories = list(Category.objects.filter(parent__isnull=False))
        self.districts = list(Unit.objects.filter(kind=Unit.Kind.DISTRICT))
        self.owners = {
            (r.category_id, r.district_id): r.unit
            for r in Responsibility.objects.select_related("unit")
        }
        users = {u.username: u for u in User.objects.select_related("unit")}
        self.users = users
        self.co_unit = Unit.objects.get(code="chengguan")
        self.password_hash = keyed_hash(BENCH_PASSWORD, purpose="query")
        self.states = list(MIX)
        self.weights = list(MIX.values())
        self.earlier: list[int] = []

    def created_at(self, state: str) -> dt.datetime:
        rng = self.rng
        finished = state in ("archived", "closed", "rejected", "merged")
        # Open requests are mostly recent; a quarter are old and long overdue.
        days = rng.uniform(1, 730) if finished or rng.random() < 0.25 else rng.uniform(0, 20)
        return self.now - dt.timedelta(days=days, minutes=rng.randint(0, 600))

    def ticket(self, i: int):
        from minxin.tickets import codes
        from minxin.tickets.models import Ticket

        rng = self.rng
        state = rng.choices(self.states, self.weights)[0]
        title, content = rng.choice(self.texts)
        category = rng.choice(self.categories)
        district = rng.choice(self.districts)
        rtype = rng.choice(self.types)
        anonymous = rng.random() < 0.5
        t = Ticket(
            tracking_code=codes.new_tracking_code(),
            request_type=rtype,
            title=title,
            content=content,
            category=category,
            district=district,
            address=f"{district.name}某某路{rng.randint(1, 300)}号",
            channel=rng.choice(["web", "app", "phone", "wechat", "api"]),
            is_anonymous=anonymous,
            status="submitted",
            stage="accept",
            created_at=self.created_at(state),
        )
        if anonymous:
            t.query_password_hash = self.password_hash
        else:
            t.submitter_phone = phone_for(i)
            t.submitter_name = rng.choice(self.city.DEMO_NAMES)
        t.due_at = workdays_after(t.created_at, rtype.deadline_days)
        return t, state

    def walk(self, t, state: str) -> list[tuple]:
        """Move `t` along its path; returns (kind, fields) rows to create once it has an id."""
        from minxin.demo.seed import PATHS

        rows: list[tuple] = [
            ("event", self._event(t, "submit", "", t.created_at, None, note="通过网站提交"))
        ]
        at = t.created_at
        owner = (
            self.owners.get((t.category_id, t.district_id)) or self.owners[(t.category_id, None)]
        )
        for step in PATHS[state]:
            at = min(at + dt.timedelta(hours=self.rng.randint(2, 30)), self.now)
            rows += self._step(t, step, at, owner)
        return rows

    def _event(
        self,
        t,
        action: str,
        from_status: str,
        at: dt.datetime,
        user,
        note: str = "",
        public: bool = True,
        unit=None,
    ) -> dict:
        label = user.display_name if user else ("诉求人" if not t.is_anonymous else "匿名诉求人")
        return {
            "at": at,
            "action": action,
            "actor": user,
            "actor_label": label[:50],
            "unit": unit or (user.unit if user else None),
            "from_status": from_status or t.status,
            "to_status": t.status,
            "note": note,
            "public": public,
        }

    def _move(self, t, action: str, to: str, at: dt.datetime, user, **kw) -> tuple:
        before, t.status = t.status, to
        t.version += 1
        return ("event", self._event(t, action, before, at, user, **kw))

    def _stage(self, t, stage: str, at: dt.datetime, due: dt.datetime | None) -> None:
        t.stage, t.stage_due_at, t.stage_started_at = stage, due, at
        t.stage_warn_at = at + (due - at) * 0.8 if due else None
        t.warn_level = 0 if not due or due > self.now else 2

    def _step(self, t, step: str, at: dt.datetime, owner) -> list[tuple]:
        u, rtype = self.users, t.request_type
        intake, handler = u["intake"], u.get(owner.code)
        if step == "request_info":
            t.resume_status, t.paused_at = t.status, at
            return [
                self._move(
                    t,
                    "request_info",
                    "pending_info",
                    at,
                    intake,
                    note="请补充问题发生的具体位置和现场照片",
                )
            ]
        if step == "accept":
            t.accepted_at, t.due_at = at, workdays_after(at, rtype.deadline_days)
            self._stage(t, "accept", at, None)
            return [self._move(t, "accept", "accepted", at, intake)]
        if step == "reject":
            t.closed_at = at
            self._stage(t, "", at, None)
            return [
                self._move(
                    t,
                    "reject",
                    "rejected",
                    at,
                    intake,
                    note="该事项已进入司法程序，不属于本平台受理范围",
                )
            ]
        if step == "dispatch":
            units = [owner] + ([self.co_unit] if self.rng.random() < 0.3 else [])
            t.lead_unit = owner
            self._stage(t, "sign", at, workdays_after(at, rtype.sign_days))
            rows = [
                ("assignment", {"unit": unit, "role": "lead" if n == 0 else "co", "created_at": at})
                for n, unit in enumerate(units)
            ]
            rows += [
                (
                    "inbox",
                    {
                        "unit": unit,
                        "event": "dispatched",
                        "created_at": at,
                        "read_at": at if at < self.now - dt.timedelta(days=3) else None,
                        "text": f"新派遣诉求：{t.title[:60]}"[:500],
                    },
                )
                for unit in units
            ]
            return rows + [
                self._move(t, "dispatch", "dispatched", at, intake, note=f"主办：{owner.name}")
            ]
        if step == "return":
            t.lead_unit = None
            self._stage(t, "", at, None)
            return [
                ("unassign", {}),
                self._move(
                    t,
                    "return",
                    "returned",
                    at,
                    handler,
                    unit=owner,
                    note="经核实该事项属于区属职责，建议改派所在区",
                ),
            ]
        if step == "sign":
            self._stage(t, "reply", at, t.due_at)
            return [self._move(t, "sign", "signed", at, handler, unit=owner)]
        if step == "reply":
            self._stage(t, "review", at, workdays_after(at, rtype.review_days))
            solved = self.rng.random() < 0.8
            reply = {
                "unit": owner,
                "author": handler,
                "facts": "工作人员已到现场核实，情况属实。",
                "solved": solved,
                "unsolved_reason": "" if solved else "涉及多个部门，需协调",
                "public_reply": "您好，经现场核实，我单位已责成相关责任方整改，并将持续跟踪。",
                "created_at": at,
            }
            return [
                ("reply", reply),
                self._move(t, "reply", "replied", at, handler, unit=owner, public=False),
            ]
        if step == "approve":
            self._stage(t, "rate", at, workdays_after(at, rtype.callback_days))
            if self.rng.random() < 0.3:
                t.stage = "callback"
            return [
                ("approve", {"reviewed_by": u["reviewer"], "published_at": at}),
                self._move(t, "approve", "published", at, u["reviewer"]),
            ]
        if step == "rate":
            t.satisfaction = self.rng.choice(["satisfied", "satisfied", "basic", "not_rated"])
            t.rated_by = (
                "timeout"
                if t.satisfaction == "not_rated"
                else ("citizen" if t.submitter_phone else "callback")
            )
            t.closed_at = at
            self._stage(t, "", at, None)
            user = u["callback"] if t.rated_by == "callback" else None
            action = "close_unrated" if t.rated_by == "timeout" else "rate"
            return [self._move(t, action, "closed", at, user)]
        if step == "archive":
            return [self._move(t, "archive", "archived", at, u["callback"], public=False)]
        if step == "merge":
            # Merged into an earlier request (of an earlier batch, which has its id by now).
            t.merged_into_id = self.rng.choice(self.earlier) if self.earlier else None
            t.closed_at = at
            self._stage(t, "", at, None)
            return [self._move(t, "merge", "merged", at, intake, note="同一事项，合并办理")]
        raise ValueError(step)


def write_batch(builder: Builder, start: int, size: int) -> None:
    from django.db import transaction

    from minxin.notify.models import InboxMessage
    from minxin.risk.models import TicketInsight
    from minxin.supervision.models import SupervisionOrder
    from minxin.tickets.models import Assignment, Reply, Ticket, TimelineEvent

    built = []
    for i in range(start, start + size):
        t, state = builder.ticket(i)
        built.append((t, builder.walk(t, state)))
    with transaction.atomic():
        Ticket.objects.bulk_create([t for t, _ in built])
        events, assignments, replies, inbox, orders = [], [], [], [], []
        for t, rows in built:
            for kind, data in rows:
                if kind == "event":
                    events.append(TimelineEvent(ticket=t, **data))
                elif kind == "assignment":
                    assignments.append(Assignment(ticket=t, **data))
                elif kind == "unassign":
                    for a in assignments:
                        if a.ticket is t:
                            a.active = False
                elif kind == "inbox":
                    key = f"dispatched:{t.pk}:{len(inbox)}:{data['unit'].pk}:{start}"
                    inbox.append(InboxMessage(ticket=t, idempotency_key=key, **data))
                elif kind == "reply":
                    replies.append(Reply(ticket=t, **data))
                elif kind == "approve":
                    replies[-1].review, replies[-1].reviewed_by = "approved", data["reviewed_by"]
                    replies[-1].published_at = data["published_at"]
            if t.status in ("dispatched", "signed") and t.stage_due_at < builder.now:
                orders.append(_overdue_order(builder, t))
        levels = builder.rng.choices(list(RISK_MIX), weights=list(RISK_MIX.values()), k=len(built))
        TicketInsight.objects.bulk_create(
            [
                TicketInsight(ticket=t, risk_level=level, computed_at=t.created_at)
                for (t, _), level in zip(built, levels, strict=True)
            ],
            batch_size=BATCH,
        )
        TimelineEvent.objects.bulk_create(events, batch_size=BATCH)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Reply.objects.bulk_create(replies, batch_size=BATCH)
        InboxMessage.objects.bulk_create(inbox, batch_size=BATCH)
        SupervisionOrder.objects.bulk_create(orders, batch_size=BATCH)
    builder.earlier = [t.pk for t, _ in built[-200:]]


def _overdue_order(builder: Builder, t):
    """The sweep's overdue order for a request past its sign-for or handling deadline."""
    from minxin.supervision.models import SupervisionOrder

    opened = t.stage_due_at
    respond_by = workdays_after(opened, 2)
    closed = respond_by < builder.now and builder.rng.random() < 0.7
    return SupervisionOrder(
        ticket=t,
        unit=t.lead_unit,
        reason="overdue",
        opened_at=opened,
        respond_by=respond_by,
        escalate_at=respond_by,
        note="已超过办理时限，请尽快办理",
        state="closed" if closed else "open",
        outcome="resolved" if closed else "",
        closed_at=respond_by if closed else None,
        level=1 if closed or respond_by > builder.now else 2,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit("Set DATABASE_URL (a SQLite file or a PostgreSQL database).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minxin.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.fresh:
        fresh(url)
    python = [sys.executable, "-m", "minxin"]
    subprocess.run([*python, "migrate", "-v0"], check=True, cwd=ROOT)
    subprocess.run([*python, "seed_demo"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    import django

    django.setup()
    from django.db import connection

    from minxin.core import clock

    started = time.perf_counter()
    builder = Builder(random.Random(args.seed), clock.now())
    for start in range(0, args.rows, BATCH):
        write_batch(builder, start, min(BATCH, args.rows - start))
        print(f"\r{start + BATCH:>7} requests", end="", flush=True)
    from minxin.tickets import textsearch

    # The rows skipped the services, so the text-search index is built here in one pass.
    textsearch.reindex(textsearch.missing())
    # A settled database, as autovacuum leaves a live one: statistics, and on PostgreSQL the
    # visibility map that index-only scans need (without it they read the table).
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"\n{args.rows} requests in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
