#!/usr/bin/env python3
"""Several nodes, proven: two app servers and two workers against one PostgreSQL, every
role driving requests through the API for several minutes, one app server and one worker
killed (SIGKILL) halfway.

    .venv/bin/python benchmarks/soak.py [--minutes 4] [--citizens 4] [--skip-setup]

What it starts, all on loopback: PostgreSQL database `minxin_soak` (dropped, migrated, the
demo city loaded), Huey on Redis (database 7, emptied first), a fake SMS gateway that keeps
every message it is sent (and, like real gateways, drops a repeated message id), two
gunicorn app servers (2 workers each) and two Huey workers (`minxin run_huey`, both running
the periodic tasks, as two worker nodes would).

What drives them, over HTTP: citizens asking for an SMS code (read from the fake gateway, as
a phone would), verifying it and filing real-name requests with an `Idempotency-Key`,
sending a third of them twice, rating what was answered; the intake desk accepting and
dispatching; the housing bureau signing and replying; the reviewer approving; the
supervisor opening supervision orders that the unit answers and the supervisor closes.
Every call goes to one of the live servers and, when a server does not answer, is retried
on the other with the same key. Thirty requests of the demo city get deadlines that fall
during the run, so the two workers' sweeps race to warn and to open supervision.

What it checks at the end (exit status 1 if anything fails):
- every accepted submission is there once (no request lost, none duplicated);
- every SMS the platform accepted was delivered, each message id delivered once to the
  gateway's inbox (repeated calls after a kill are counted and shown);
- every request whose deadline fell during the run was found overdue, and no warning or
  overdue step was written twice;
- nothing is left unlinked on the audit chain and `audit verify` passes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DB = "minxin_soak"
APP_PORTS = (8191, 8192)
GATEWAY_PORT = 8199
PASSWORD = "minxin-demo-2026"
MARK = "压测"
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/7",
    "DEBUG": "0",
    "MINXIN_DEMO": "1",
    "HUEY_IMMEDIATE": "0",
    "SMS_SENDER": "minxin.notify.senders.HttpGatewaySender",
    "SMS_GATEWAY_URL": f"http://127.0.0.1:{GATEWAY_PORT}/sms",
    "SMS_GATEWAY_TOKEN": "soak",
    "QUIET_HOURS": "00:00-00:00",
    "SMS_CODE_MAX_PER_IP_PER_HOUR": "1000000",
    "SMS_CODE_MIN_INTERVAL_SECONDS": "0",
    "SMS_CODE_MAX_ATTEMPTS_PER_IP": "1000000",
    "TRACKING_LOOKUP_MAX_PER_IP": "1000000",
    "MINXIN_AUDIT_WITNESS": f"dir:{ROOT / 'var' / 'soak-witness'}",
}


# -- the fake SMS gateway ------------------------------------------------------------------


class Gateway:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.inbox: dict[str, tuple[str, str]] = {}

    def serve(self) -> ThreadingHTTPServer:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.calls[body["id"]] += 1
                    gateway.inbox.setdefault(body["id"], (body["phone"], body["text"]))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", GATEWAY_PORT), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    def code_for(self, phone: str, timeout: float = 90) -> str:
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                texts = [text for p, text in self.inbox.values() if p == phone]
            codes = [m.group(1) for t in texts if (m := re.search(r"验证码是(\d{6})", t))]
            if codes:
                return codes[-1]
            time.sleep(0.3)
        raise TimeoutError(f"no SMS code reached {phone}")


# -- processes -------------------------------------------------------------------------------


def setup_database(requests: int) -> None:
    env = {**os.environ, **ENV}
    for sql in (f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)
    subprocess.run(["redis-cli", "-n", "7", "flushdb"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(ROOT / "var" / "soak-witness", ignore_errors=True)  # the old chain's
    for command in (["migrate", "-v0"], ["seed_demo", "--requests", str(requests)]):
        subprocess.run(
            [PY, "-m", "minxin", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def start(args: list[str], log: str) -> subprocess.Popen:
    out = open(ROOT / "var" / "soak" / log, "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **ENV}, stdout=out, stderr=out, start_new_session=True
    )


def app_server(port: int) -> subprocess.Popen:
    gunicorn = str(Path(PY).parent / "gunicorn")
    return start(
        [gunicorn, "minxin.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60"],
        f"app-{port}.log",
    )


def worker(n: int) -> subprocess.Popen:
    return start([PY, "-m", "minxin", "run_huey"], f"worker-{n}.log")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            kill(process)


# -- the API, over HTTP, failing over between the app servers ---------------------------------


class Api:
    def __init__(self) -> None:
        self.alive = list(APP_PORTS)
        self.statuses: Counter[str] = Counter()
        self.failovers = 0
        self.lock = threading.Lock()

    def call(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, Any]:
        ports = random.sample(self.alive, len(self.alive))
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(6):
            port = ports[attempt % len(ports)]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1{path}",
                data=data,
                method=method,
                headers={"Content-Type": "application/json", **(headers or {})},
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    status, text = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read()
            except OSError:  # refused, reset, timed out: that server is down
                with self.lock:
                    self.failovers += 1
                time.sleep(0.5)
                continue
            if status in (502, 503):
                time.sleep(0.5)
                continue
            with self.lock:
                self.statuses[f"{method} {status}"] += 1
            return status, json.loads(text) if text else None
        raise RuntimeError(f"{method} {path}: no app server answered")

    def login(self, username: str) -> dict[str, str]:
        status, body = self.call(
            "POST", "/auth/token", {"username": username, "password": PASSWORD}
        )
        assert status == 200, (username, status, body)
        return {"Authorization": f"Bearer {body['token']}"}


# -- the drivers -----------------------------------------------------------------------------


class Soak:
    def __init__(self, api: Api, gateway: Gateway, until: float) -> None:
        self.api, self.gateway, self.until = api, gateway, until
        self.accepted: dict[str, str] = {}  # Idempotency-Key -> tracking code
        self.mine: list[tuple[str, dict[str, str]]] = []  # (code, citizen headers)
        self.retried_same = 0
        self.lock = threading.Lock()
        self.errors: list[str] = []

    def running(self) -> bool:
        return time.time() < self.until

    def guard(self, name: str, work: Any) -> None:
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported at the end
            with self.lock:
                self.errors.append(f"{name}: {error!r}")

    def citizen(self, i: int) -> None:
        n = 0
        while self.running():
            n += 1
            phone = f"1370{i:03d}{n:04d}"
            status, _ = self.api.call("POST", "/sms/codes", {"phone": phone})
            assert status == 202, status
            code = self.gateway.code_for(phone)
            status, body = self.api.call("POST", "/sms/verify", {"phone": phone, "code": code})
            assert status == 200, (status, body)
            headers = {"X-Citizen-Token": body["citizen_token"]}
            for k in range(2):
                key = str(uuid.uuid4())
                submission = {
                    "request_type": "complaint",
                    "title": f"{MARK}电梯停运{i}-{n}-{k}",
                    "content": "三号楼电梯停运一周，物业不维修，老人上下楼困难，请尽快处理。",
                    "anonymous": False,
                    "name": "张三",
                }
                sent = {**headers, "Idempotency-Key": key}
                status, body = self.api.call("POST", "/requests", submission, sent)
                assert status == 201, (status, body)
                with self.lock:
                    self.accepted[key] = body["tracking_code"]
                    self.mine.append((body["tracking_code"], headers))
                if random.random() < 1 / 3:  # the client did not see the answer: again
                    status, again = self.api.call("POST", "/requests", submission, sent)
                    assert status == 201, (status, again)
                    assert again["tracking_code"] == body["tracking_code"], (body, again)
                    with self.lock:
                        self.retried_same += 1
            self.rate_answered()

    def rate_answered(self) -> None:
        with self.lock:
            sample = random.sample(self.mine, min(5, len(self.mine)))
        for code, headers in sample:
            status, body = self.api.call("GET", f"/requests/{code}", headers=headers)
            if status == 200 and body["can_rate"]:
                self.api.call(
                    "POST", f"/requests/{code}/rating", {"satisfaction": "satisfied"}, headers
                )

    def queue(self, token: dict[str, str], name: str) -> list[dict]:
        status, body = self.api.call(
            "GET", f"/staff/queues/{name}?limit=200&channel=api", headers=token
        )
        assert status == 200, (name, status, body)
        return [t for t in body if t["title"].startswith(MARK)]

    def act(self, token: dict[str, str], ticket_id: int, action: str, body: dict) -> int:
        status, answer = self.api.call("POST", f"/staff/requests/{ticket_id}/{action}", body, token)
        assert status in (200, 409), (action, status, answer)  # 409: another got there first
        return status

    def intake(self, unit_id: int, category_id: int) -> None:
        token = self.api.login("intake")
        while self.running():
            for ticket in self.queue(token, "intake"):
                if ticket["status"] == "submitted":
                    self.act(token, ticket["id"], "accept", {"category_id": category_id})
                self.act(token, ticket["id"], "dispatch", {"lead_unit_id": unit_id})
            time.sleep(0.5)

    def unit(self) -> None:
        token = self.api.login("zhujian")
        while self.running():
            for ticket in self.queue(token, "inbox"):
                self.act(token, ticket["id"], "sign", {})
            for ticket in self.queue(token, "handling"):
                reply = {"facts": "现场核实属实", "solved": True, "public_reply": "电梯已修复"}
                self.act(token, ticket["id"], "reply", reply)
            status, orders = self.api.call("GET", "/staff/supervision?state=open", headers=token)
            for order in orders if status == 200 else []:
                self.api.call(
                    "POST", f"/staff/supervision/{order['id']}/respond",
                    {"response": "已整改"}, token,
                )  # fmt: skip
            time.sleep(0.5)

    def unit_head(self) -> None:
        token = self.api.login("zhujian_head")
        while self.running():
            for ticket in self.queue(token, "unit_review"):
                self.act(token, ticket["id"], "unit-approve", {"note": "同意"})
            time.sleep(0.5)

    def reviewer(self) -> None:
        token = self.api.login("reviewer")
        while self.running():
            for ticket in self.queue(token, "review"):
                self.act(token, ticket["id"], "approve", {"note": "答复规范"})
            time.sleep(0.5)

    def supervisor(self) -> None:
        token = self.api.login("supervisor")
        while self.running():
            for ticket in self.queue(token, "handling")[:2]:
                self.api.call(
                    "POST", f"/staff/requests/{ticket['id']}/supervise",
                    {"note": "请加快办理"}, token,
                )  # fmt: skip
            status, orders = self.api.call(
                "GET", "/staff/supervision?state=responded", headers=token
            )
            for order in orders if status == 200 else []:
                self.api.call(
                    "POST", f"/staff/supervision/{order['id']}/close",
                    {"outcome": "resolved", "note": "已核实"}, token,
                )  # fmt: skip
            time.sleep(2)


# -- setting deadlines to fall during the run, and the checks ----------------------------------


def django_up() -> None:
    os.environ.update({**ENV, "DJANGO_SETTINGS_MODULE": "minxin.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def deadlines_during_run(count: int, seconds: float) -> list[int]:
    """Requests of the demo city in a unit's stages get a warning moment and a deadline that
    fall inside the run (written directly: deadlines are not witnessed by the chain)."""
    import datetime as dt

    from minxin.core import clock
    from minxin.supervision.sweeps import WARNED_STAGES
    from minxin.tickets.models import RUNNING_STATUSES, Ticket

    ids = list(
        Ticket.objects.filter(status__in=RUNNING_STATUSES, stage__in=WARNED_STAGES)
        .exclude(title__startswith=MARK)
        .values_list("pk", flat=True)[:count]
    )
    now = clock.now()
    for pk in ids:
        warn = now + dt.timedelta(seconds=random.uniform(10, seconds * 0.4))
        due = warn + dt.timedelta(seconds=random.uniform(30, seconds * 0.4))
        Ticket.objects.filter(pk=pk).update(warn_level=0, stage_warn_at=warn, stage_due_at=due)
    return ids


def drain(timeout: float) -> int:
    from minxin.notify.models import SmsMessage, Status

    end = time.time() + timeout
    while True:
        waiting = SmsMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING]).count()
        if not waiting or time.time() > end:
            return waiting
        time.sleep(2)


def checks(soak: Soak, gateway: Gateway, deadline_ids: list[int], since: Any) -> dict[str, Any]:
    from django.db.models import Count

    from minxin.audit.models import PendingEntry
    from minxin.audit.services import link_pending
    from minxin.audit.verify import chain_verify
    from minxin.notify.models import SmsMessage
    from minxin.tickets.models import Ticket, TimelineEvent

    codes = set(soak.accepted.values())
    stored = Ticket.objects.filter(title__startswith=MARK)
    per_code = Counter(stored.values_list("tracking_code", flat=True))
    # Messages of the demo city queued before this run went to an earlier gateway.
    run = SmsMessage.objects.filter(created_at__gte=since)
    sms = Counter(run.values_list("status", flat=True))
    keys = set(run.values_list("idempotency_key", flat=True))
    known = set(SmsMessage.objects.values_list("idempotency_key", flat=True))
    steps = Counter(
        (e["ticket_id"], e["action"])
        for e in TimelineEvent.objects.filter(
            ticket_id__in=deadline_ids, action__in=["warning", "overdue"], at__gte=since
        ).values("ticket_id", "action")
    )
    warned = {pk for pk, action in steps if action == "warning"}
    overdue = {pk for pk, action in steps if action == "overdue"}
    link_pending()
    report = chain_verify()
    result = {
        "accepted_submissions": len(soak.accepted),
        "resubmitted_with_the_same_key": soak.retried_same,
        "requests_stored": stored.count(),
        "accepted_but_missing": len(codes - set(per_code)),
        "stored_twice": sum(1 for n in per_code.values() if n > 1),
        "stored_but_never_accepted": len(set(per_code) - codes),
        "requests_by_status": dict(
            stored.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
        ),
        "sms_by_status": dict(sms),
        "sms_accepted_not_delivered": len(keys - set(gateway.inbox)),
        "sms_delivered_unknown": len(set(gateway.inbox) - known),
        "gateway_calls": sum(gateway.calls.values()),
        "gateway_repeated_calls": sum(n - 1 for n in gateway.calls.values()),
        "deadline_requests": len(deadline_ids),
        "warned": len(warned),
        "overdue": len(overdue),
        "steps_written_twice": sum(1 for n in steps.values() if n > 1),
        "chain_entries": report.entries,
        "chain_pending": PendingEntry.objects.count(),
        "chain_ok": report.ok,
        "chain_problems": report.problems[:3],
        "http": dict(soak.api.statuses),
        "failovers": soak.api.failovers,
        "driver_errors": soak.errors[:10],
    }
    result["ok"] = bool(
        result["accepted_submissions"]
        and not result["accepted_but_missing"]
        and not result["stored_twice"]
        and not result["stored_but_never_accepted"]
        and set(sms) <= {"sent"}
        and not result["sms_accepted_not_delivered"]
        and not result["sms_delivered_unknown"]
        # A deadline whose warning moment and deadline fall between two sweeps is overdue
        # straight away, without a warning: that is the sweep's rule, not a miss.
        and result["overdue"] == len(deadline_ids)
        and not result["steps_written_twice"]
        and result["chain_ok"]
        and not result["chain_pending"]
        and not soak.errors
        and not any(key.endswith(" 500") for key in soak.api.statuses)
    )
    return result


def wait_for(port: int, timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=5):  # noqa: S310
                return
        except OSError:  # refused, reset or timed out while it boots
            time.sleep(0.5)
    raise TimeoutError(f"app server on {port} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=4)
    parser.add_argument("--citizens", type=int, default=4)
    parser.add_argument("--seed-requests", type=int, default=120)
    parser.add_argument("--skip-setup", action="store_true")
    args = parser.parse_args()
    (ROOT / "var" / "soak").mkdir(parents=True, exist_ok=True)
    if not args.skip_setup:
        print("setting up the database …", flush=True)
        setup_database(args.seed_requests)
    django_up()
    from minxin.org.models import Category, Unit

    seconds = args.minutes * 60
    gateway = Gateway()
    server = gateway.serve()
    apps = [app_server(port) for port in APP_PORTS]
    workers = [worker(1), worker(2)]
    try:
        for port in APP_PORTS:
            wait_for(port)
        from minxin.core import clock

        since = clock.now()
        deadline_ids = deadlines_during_run(30, seconds)
        api = Api()
        soak = Soak(api, gateway, until=time.time() + seconds)
        unit = Unit.objects.get(code="zhujian")
        category = Category.objects.filter(parent__isnull=False, is_active=True).first()
        assert category is not None
        drivers = [
            *(lambda i=i: soak.citizen(i) for i in range(args.citizens)),
            lambda: soak.intake(unit.pk, category.pk),
            soak.unit,
            soak.unit_head,
            soak.reviewer,
            soak.supervisor,
        ]
        threads = [
            threading.Thread(target=soak.guard, args=(f"driver {n}", d))
            for n, d in enumerate(drivers)
        ]
        print(f"driving for {args.minutes} minutes …", flush=True)
        for thread in threads:
            thread.start()
        time.sleep(seconds / 2)
        print("killing app server 8191 and worker 1 (SIGKILL) …", flush=True)
        kill(apps[0])
        kill(workers[0])
        time.sleep(15)  # what a load balancer's health check takes to notice
        api.alive = [APP_PORTS[1]]
        for thread in threads:
            thread.join(seconds + 300)
        print("draining the outbox …", flush=True)
        left = drain(180)
        time.sleep(65)  # one more sweep minute for deadlines that fell at the very end
        result = checks(soak, gateway, deadline_ids, since)
        result["sms_waiting_after_drain"] = left
    finally:
        for process in [*apps, *workers]:
            stop(process)
        server.shutdown()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
