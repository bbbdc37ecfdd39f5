#!/usr/bin/env python3
"""Submission throughput and tracking-query latency against the bare /api/v1/ping.

One command, from the repository root:

    .venv/bin/python benchmarks/run_api_bench.py --duration 15 --concurrency 16

What it does, all by itself:

1. drops and recreates the PostgreSQL database `minxin_bench` (trust auth, 127.0.0.1:5432),
   runs `python -m minxin migrate` and `python -m minxin seed_demo` into it;
2. starts gunicorn (sync workers, `--workers`, default 2 x cores + 1) on 127.0.0.1:8077 with
   the cache on Redis (`REDIS_URL`), as in production, and DEBUG off;
3. submits `--query-pool` anonymous requests through the API and keeps their
   tracking code + query password pairs;
4. warms every scenario up, then runs `--rounds` rounds of three scenarios, each for
   `--duration` seconds at `--concurrency` connections, from a separate load-generator
   process (`wrk` with benchmarks/wrk/api.lua when installed, else benchmarks/loadgen.py),
   rotating the order every round:
     ping   GET  /api/v1/ping                                   (the yardstick)
     insert POST /api/v1/bench/insert   (one row in one transaction: a write's yardstick;
                                         benchmark-only, the server runs with
                                         MINXIN_BENCH_ENDPOINTS=1)
     submit POST /api/v1/requests                               (anonymous complaint)
     track  GET  /api/v1/requests/{tracking_code}?password=...  (over the stored pairs)
5. reads the CPU time each party used during each run from /proc (gunicorn workers,
   the PostgreSQL backends of the bench database, PostgreSQL's background processes,
   redis-server, the load generator, and the whole machine), so the table says not only
   how fast but where the time went, and whether the load generator could be the limit;
6. prints a table (req/s, p50/p95/p99 ms, errors, ratio to ping in the same round) and the
   same as JSON, writes the JSON to var/bench/api_bench.json, stops gunicorn.

Ratios, not absolute figures, are the result: the machine is shared and noisy, and each
ratio compares two runs made a few seconds apart on the same stack. The aims (issue 20):
submission >= 50 % of the bare insert's throughput, tracking query >= 80 % of ping's.

`--profile` adds, after the measured rounds, one py-spy recording of the gunicorn workers
per scenario (needs `py-spy` on PATH or `--py-spy PATH`), summarised into
var/bench/profile-<scenario>.txt. Not part of the pytest suite.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCENARIOS = ["ping", "insert", "submit", "track"]
# Each aim is a share of a yardstick's throughput in the same round (issue 20, point 3):
# a submission against the bare one-row insert, a tracking query against ping.
AIMS = {"submit": ("insert", 0.50), "track": ("ping", 0.80)}
# The parties that serve a request (the load generator is not one of them).
SERVER_PARTS = ("app", "worker", "pg_backends", "pg_background", "redis")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- small helpers ------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], *, env: dict, cwd: Path, quiet: bool = True) -> None:
    log("+ " + " ".join(cmd))
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=quiet, text=True, check=False)
    if result.returncode != 0:
        if quiet:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def redis_ping(url: str) -> str:
    """PING and INFO server over a raw socket, so this script needs no redis package."""
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2) as s:
        s.sendall(b"PING\r\n")
        if not s.recv(64).startswith(b"+PONG"):
            raise SystemExit(f"Redis at {url} did not answer PING")
        s.sendall(b"INFO server\r\n")
        data = b""
        while b"redis_version" not in data or not data.endswith(b"\r\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    match = re.search(rb"redis_version:(\S+)", data)
    return match.group(1).decode() if match else "?"


def machine_info() -> dict:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "?"

    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "nproc": len(os.sched_getaffinity(0)),
        "uname": out(["uname", "-a"]),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "python": platform.python_version(),
    }


# ---- CPU accounting from /proc ------------------------------------------------------------


def _proc_cpu(pid: str) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _system_busy() -> float:
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)  # idle + iowait
    return (sum(parts[:8]) - idle) / CLK_TCK  # guest time is already in user


class CpuProbe:
    """CPU seconds by party: gunicorn, this run's PostgreSQL backends, PostgreSQL's own
    background processes, redis-server, and the whole machine."""

    def __init__(self, gunicorn_pid: int, dbname: str, worker_pid: int | None = None) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.worker_pid = worker_pid
        self.dbname = dbname

    def _classify(self, pid: str) -> str | None:
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            if comm == "redis-server":
                return "redis"
            if comm == "postgres":
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                if f" {self.dbname} ".encode() in cmdline:
                    return "pg_backends"
                if b"(" in cmdline or b"[local]" in cmdline:
                    return None  # a backend of another database: someone else's work
                return "pg_background"
            stat = Path(f"/proc/{pid}/stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            if int(pid) == self.gunicorn_pid or ppid == self.gunicorn_pid:
                return "app"
            if self.worker_pid and self.worker_pid in (int(pid), ppid):
                return "worker"
        except (OSError, ValueError, IndexError):
            return None
        return None

    def snapshot(self) -> dict:
        per_pid: dict[str, tuple[str, float]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            group = self._classify(entry)
            if group is None:
                continue
            try:
                per_pid[entry] = (group, _proc_cpu(entry))
            except (OSError, ValueError, IndexError):
                continue
        return {"pids": per_pid, "system": _system_busy(), "t": time.perf_counter()}

    @staticmethod
    def delta(before: dict, after: dict) -> dict:
        totals: dict[str, float] = collections.defaultdict(float)
        for pid, (group, cpu) in after["pids"].items():
            prior = before["pids"].get(pid)
            totals[group] += cpu - (prior[1] if prior and prior[0] == group else 0.0)
        result = {g: round(totals.get(g, 0.0), 3) for g in SERVER_PARTS}
        result["machine_busy"] = round(after["system"] - before["system"], 3)
        result["wall"] = round(after["t"] - before["t"], 3)
        return result


# ---- the stack: database, gunicorn --------------------------------------------------------


def recreate_database(database_url: str) -> str:
    import psycopg

    parsed = urlparse(database_url)
    dbname = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", dbname):
        raise SystemExit(f"refusing odd database name {dbname!r}")
    admin = urlunparse(parsed._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN "
                "('synchronous_commit', 'fsync', 'shared_buffers', 'max_connections')"
            ).fetchall()
        )
    return f"{version} ({', '.join(f'{k}={v}' for k, v in sorted(settings.items()))})"


class Gunicorn:
    def __init__(
        self,
        *,
        python: str,
        app_dir: Path,
        env: dict,
        workers: int,
        port: int,
        extra: list[str],
        log_path: Path,
    ) -> None:
        self.cmd = [
            python,
            "-m",
            "gunicorn",
            "minxin.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(app_dir),
            "--log-level",
            "warning",
            "--timeout",
            "60",
            *extra,
        ]
        self.env, self.port, self.log_path = env, port, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> int:
        if port_open("127.0.0.1", self.port):
            raise SystemExit(f"port {self.port} is already in use: choose another with --port")
        log("+ " + " ".join(self.cmd))
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - open while gunicorn runs
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.proc.returncode}); see {self.log_path}")
            try:
                status, _ = http_request(self.port, "GET", "/api/v1/ping")
                if status == 200:
                    return self.proc.pid
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /api/v1/ping in 90 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        log(f"stopping gunicorn (pid {self.proc.pid})")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session, started above
            self.proc.wait()
        self.log_file.close()


class HueyWorker:
    """`minxin run_huey` beside gunicorn, in its own session, stopped with it."""

    def __init__(self, *, python: str, app_dir: Path, env: dict, log_path: Path) -> None:
        self.cmd = [python, "-m", "minxin", "run_huey"]
        self.app_dir, self.env, self.log_path = app_dir, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> int:
        log("+ " + " ".join(self.cmd))
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - open while it runs
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=self.app_dir,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        time.sleep(5)
        if self.proc.poll() is not None:
            raise SystemExit(f"the worker exited ({self.proc.returncode}); see {self.log_path}")
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        log(f"stopping the worker (pid {self.proc.pid})")
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session, started above
            self.proc.wait()
        self.log_file.close()


def http_request(
    port: int, method: str, path: str, body: dict | None = None
) -> tuple[int, dict | None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return response.status, parsed
    finally:
        conn.close()


def create_query_pool(port: int, count: int, path: Path) -> None:
    lines = []
    for i in range(count):
        status, data = http_request(
            port,
            "POST",
            "/api/v1/requests",
            {
                "request_type": "complaint",
                "title": f"查询压测用诉求 {i}",
                "content": "楼道里的声控灯坏了，晚上上下楼看不清台阶，请物业尽快维修。",
                "anonymous": True,
                "channel": "api",
            },
        )
        if status != 201 or not data or not data.get("query_password"):
            raise SystemExit(f"pre-creating request {i}: HTTP {status} {data}")
        lines.append(f"{data['tracking_code']} {data['query_password']}")
    path.write_text("\n".join(lines) + "\n")
    code, password = lines[0].split()
    status, data = http_request(port, "GET", f"/api/v1/requests/{code}?password={password}")
    if status != 200 or not data or data.get("tracking_code") != code:
        raise SystemExit(f"tracking query check failed: HTTP {status} {data}")


# ---- load generators ----------------------------------------------------------------------


class LoadGen:
    def __init__(
        self, kind: str, *, port: int, concurrency: int, threads: int, pairs: Path, python: str
    ) -> None:
        self.kind, self.port, self.concurrency = kind, port, concurrency
        self.threads, self.pairs, self.python = threads, pairs, python

    def command(self, scenario: str, duration: float) -> list[str]:
        extra = [str(self.pairs)] if scenario == "track" else []
        if self.kind == "wrk":
            return [
                "wrk",
                f"-t{self.threads}",
                f"-c{self.concurrency}",
                f"-d{duration:g}s",
                "--timeout",
                "10s",
                "-s",
                str(HERE / "wrk" / "api.lua"),
                f"http://127.0.0.1:{self.port}",
                "--",
                scenario,
                *extra,
            ]
        cmd = [
            self.python,
            str(HERE / "loadgen.py"),
            "--port",
            str(self.port),
            "--mode",
            scenario,
            "--duration",
            f"{duration:g}",
            "--concurrency",
            str(self.concurrency),
        ]
        return cmd + (["--pairs", str(self.pairs)] if scenario == "track" else [])

    def run(self, scenario: str, duration: float) -> tuple[dict, float]:
        """Runs one scenario; returns the generator's figures and the CPU seconds it used."""
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(
                self.command(scenario, duration), stdout=out, stderr=subprocess.STDOUT, text=True
            )
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            text = out.read()
        match = re.search(r"^(?:WRK|LOADGEN)_JSON (\{.*\})$", text, re.MULTILINE)
        if proc.returncode != 0 or not match:
            raise SystemExit(f"load generator failed ({proc.returncode}):\n{text[-3000:]}")
        return json.loads(match.group(1)), usage.ru_utime + usage.ru_stime


# ---- one measured run, and the summary ----------------------------------------------------


def measure(loadgen: LoadGen, probe: CpuProbe, scenario: str, duration: float) -> dict:
    before = probe.snapshot()
    figures, loadgen_cpu = loadgen.run(scenario, duration)
    cpu = CpuProbe.delta(before, probe.snapshot())
    cpu["loadgen"] = round(loadgen_cpu, 3)
    ours = sum(cpu[k] for k in (*SERVER_PARTS, "loadgen"))
    cpu["other"] = round(max(0.0, cpu["machine_busy"] - ours), 3)
    seconds = figures["duration_us"] / 1e6
    requests = figures["requests"]
    lat = figures["latency_us"]
    errors = sum(figures["errors"].values())
    per_req = {
        k: round(v / requests * 1000, 3) if requests else None
        for k, v in cpu.items()
        if k not in ("wall", "machine_busy", "other")
    }
    if requests:
        per_req["server"] = round(sum(per_req[k] for k in SERVER_PARTS), 3)
    return {
        "scenario": scenario,
        "requests": requests,
        "seconds": round(seconds, 3),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "latency_ms": {
            k: round(lat[k] / 1000, 2) for k in ("p50", "p90", "p95", "p99", "mean", "max")
        },
        "errors": errors,
        "error_detail": figures["errors"],
        "cpu_seconds": cpu,
        "cpu_ms_per_request": per_req,
        "cores_busy": {k: round(v / cpu["wall"], 2) for k, v in cpu.items() if k != "wall"},
    }


def summarise(rounds: list[dict[str, dict]]) -> dict:
    summary: dict[str, dict] = {}
    for scenario in SCENARIOS:
        runs = [r[scenario] for r in rounds]
        med = statistics.median
        entry = {
            "rps": round(med(x["rps"] for x in runs), 1),
            "rps_each_round": [x["rps"] for x in runs],
            "latency_ms": {
                p: round(med(x["latency_ms"][p] for x in runs), 2) for p in ("p50", "p95", "p99")
            },
            "errors": sum(x["errors"] for x in runs),
            "requests": sum(x["requests"] for x in runs),
            "cpu_ms_per_request": {
                k: round(med(x["cpu_ms_per_request"][k] for x in runs), 3)
                for k in runs[0]["cpu_ms_per_request"]
            },
            "cores_busy": {
                k: round(med(x["cores_busy"][k] for x in runs), 2) for k in runs[0]["cores_busy"]
            },
        }
        ratios = [r[scenario]["rps"] / r["ping"]["rps"] for r in rounds if r["ping"]["rps"]]
        entry["ratio_to_ping"] = round(med(ratios), 3)
        entry["ratio_each_round"] = [round(x, 3) for x in ratios]
        # What the throughput ratio would be if the server's CPU were the only limit:
        # ping's server CPU per request over this scenario's. Less sensitive to what the
        # machine's other tenants do than the throughput ratio itself.
        cpu_ratios = [
            r["ping"]["cpu_ms_per_request"]["server"] / r[scenario]["cpu_ms_per_request"]["server"]
            for r in rounds
            if r[scenario]["cpu_ms_per_request"].get("server")
        ]
        entry["cpu_cost_ratio_to_ping"] = round(med(cpu_ratios), 3) if cpu_ratios else None
        # Latency relative to ping (ping's percentile / this one's), per percentile.
        entry["latency_ratio_to_ping"] = {
            p: round(
                med(
                    r["ping"]["latency_ms"][p] / r[scenario]["latency_ms"][p]
                    for r in rounds
                    if r[scenario]["latency_ms"][p]
                ),
                3,
            )
            for p in ("p50", "p95", "p99")
        }
        inserts = [r[scenario]["rps"] / r["insert"]["rps"] for r in rounds if r["insert"]["rps"]]
        entry["ratio_to_insert"] = round(med(inserts), 3) if inserts else None
        if scenario in AIMS:
            yardstick, share = AIMS[scenario]
            entry["aim"] = {"of": yardstick, "share": share}
            entry["aim_met"] = (entry[f"ratio_to_{yardstick}"] or 0) >= share
        summary[scenario] = entry
    return summary


def table(summary: dict) -> str:
    head = (
        f"{'scenario':<8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'x ping':>7} {'x ins':>7} {'aim':>6}  {'app':>6} {'wk':>6} {'pg':>6} {'lg':>6} "
        f"{'cpu x':>6}"
    )
    lines = [head, "-" * len(head)]
    for scenario in SCENARIOS:
        s = summary[scenario]
        cpu = s["cpu_ms_per_request"]
        pg = (cpu["pg_backends"] or 0) + (cpu["pg_background"] or 0)
        aim = "" if "aim" not in s else (f"{'met' if s['aim_met'] else 'MISS'}")
        lines.append(
            f"{scenario:<8} {s['rps']:>8.1f} {s['latency_ms']['p50']:>8.2f} "
            f"{s['latency_ms']['p95']:>8.2f} {s['latency_ms']['p99']:>8.2f} "
            f"{s['errors']:>6d} {s['ratio_to_ping']:>7.2f} {s['ratio_to_insert'] or 0:>7.2f} "
            f"{aim:>6}  "
            f"{cpu['app']:>6.2f} {cpu.get('worker') or 0:>6.2f} {pg:>6.2f} "
            f"{cpu['loadgen']:>6.2f} "
            f"{s['cpu_cost_ratio_to_ping']:>6.2f}"
        )
    lines.append(
        "x ping / x ins: req/s over ping's / the bare insert's req/s in the same round "
        "(median of rounds); aims: submit >= 0.50 x insert, track >= 0.80 x ping"
    )
    lines.append(
        "app / wk / pg / lg: CPU ms per request in gunicorn workers / the Huey worker "
        "(--worker) / PostgreSQL (backends + background) / the load generator"
    )
    lines.append(
        "cpu x: ping's server CPU per request (app + wk + pg + redis) over this one's: "
        "the ratio if server CPU were the only limit"
    )
    return "\n".join(lines)


# ---- profiling (optional) -----------------------------------------------------------------


def profile(
    py_spy: str, gunicorn_pid: int, loadgen: LoadGen, scenario: str, duration: float, out_dir: Path
) -> Path:
    raw = out_dir / f"profile-{scenario}.raw"
    spy = subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(gunicorn_pid),
            "--subprocesses",
            "--nonblocking",
            "--rate",
            "250",
            "--format",
            "raw",
            "--duration",
            str(max(1, int(duration) - 2)),
            "--output",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    loadgen.run(scenario, duration)
    spy.wait(timeout=60)
    summary = out_dir / f"profile-{scenario}.txt"
    summary.write_text(summarise_profile(raw))
    return summary


def summarise_profile(raw: Path) -> str:
    """Top frames of a py-spy raw (collapsed) profile: inclusive for project code and the
    libraries a request goes through, self time for everything."""
    total = 0
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = [
            re.sub(r":\d+\)$", ")", re.sub(r"\(.*?(site-packages/|minxin/)", r"(\1", f))
            for f in stack.split(";")[1:]
        ]  # drop the process frame; merge lines
        total += n
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    lines = [
        f"py-spy samples: {total} (all gunicorn workers; percentages of samples)",
        "",
        "inclusive, project code (minxin/):",
    ]
    lines += [
        f"  {v / total * 100:5.1f}%  {k}" for k, v in inclusive.most_common() if "(minxin/" in k
    ][:30]
    lines += ["", "inclusive, selected library entry points:"]
    keys = (
        "QuerySet._fetch_all",
        "SQLCompiler.as_sql",
        "SQLCompiler.execute_sql",
        "Connection.wait",
        "Atomic.__exit__",
        "RedisCache.",
        "Operation.run",
        "_result_to_response",
        "Schema.",
        "MiddlewareMixin.__call__",
        "SyncWorker.handle",
        "Response.write",
        "close_graceful",
        "Model.save",
        "ModelIterable.__iter__",
    )
    lines += [
        f"  {v / total * 100:5.1f}%  {k}"
        for k, v in inclusive.most_common()
        if any(key in k for key in keys)
    ][:30]
    lines += ["", "self time, top 30:"]
    lines += [f"  {v / total * 100:5.1f}%  {k}" for k, v in own.most_common(30)]
    return "\n".join(lines) + "\n"


def describe_source(app_dir: Path) -> str:
    def git(*cmd: str) -> str:
        return subprocess.run(
            ["git", "-C", str(app_dir), *cmd], capture_output=True, text=True, check=False
        ).stdout.strip()

    sha = git("rev-parse", "--short", "HEAD")
    if not sha:
        return "not a git checkout"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "minxin")
    return f"work tree at commit {sha}" + (" with uncommitted changes in minxin/" if dirty else "")


def export_ref(repo: Path, ref: str, out_dir: Path) -> Path:
    sha = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = out_dir / f"src-{sha}"
    if not target.exists():
        target.mkdir()
        archive = subprocess.Popen(["git", "-C", str(repo), "archive", sha], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
        archive.wait()
    log(f"serving {ref} = {sha} from {target}")
    return target


def snapshot_worktree(repo: Path, out_dir: Path) -> Path:
    files = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    target = out_dir / "src-worktree"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for name in filter(None, files.decode().split("\0")):
        source = repo / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    log(f"serving a copy of the work tree in {target}")
    return target


def _rel(path: str) -> str:
    absolute = os.path.abspath(path)
    return os.path.relpath(absolute) if absolute.startswith(os.getcwd() + os.sep) else absolute


# ---- main ---------------------------------------------------------------------------------


def bench_keys(data_dir: Path) -> dict[str, str]:
    """Random keys for this benchmark's data directory, kept so reruns can read its data
    (processes outside development refuse to start without them)."""
    import secrets

    path = data_dir / "bench-keys.json"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "SECRET_KEY": secrets.token_urlsafe(50),
                    "MINXIN_DATA_KEYS": f"bench:{secrets.token_hex(16)}",
                    "MINXIN_INDEX_KEY": secrets.token_hex(32),
                }
            )
        )
    return json.loads(path.read_text())


def main() -> int:
    cores = len(os.sched_getaffinity(0))
    parser = argparse.ArgumentParser(
        description="Submission and tracking-query throughput against /api/v1/ping "
        "(PostgreSQL, gunicorn, Redis cache)."
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds per run (15)")
    parser.add_argument("--concurrency", type=int, default=16, help="connections (16)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of ping/submit/track, order rotated each round (3)",
    )
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per scenario")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * cores + 1,
        help=f"gunicorn sync workers (default gunicorn's advice, 2 x cores + 1 = {2 * cores + 1})",
    )
    parser.add_argument(
        "--gunicorn-args",
        default="",
        help='extra gunicorn arguments, e.g. "--worker-class gthread --threads 4"',
    )
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument(
        "--query-pool",
        type=int,
        default=200,
        help="requests pre-created for the tracking query (200)",
    )
    parser.add_argument(
        "--client",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if installed (auto), or benchmarks/loadgen.py",
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/minxin_bench",
        help="dropped and recreated at the start",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=REPO,
        help="the checkout to serve (default: this repository)",
    )
    parser.add_argument(
        "--ref",
        default=None,
        help="serve this git commit instead of the work tree (exported with "
        "git archive into var/bench/src-<sha>), e.g. HEAD",
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="copy the work tree (tracked and untracked, not ignored files) "
        "into var/bench/src-worktree first and serve the copy, so edits "
        "made during the run do not reach the server",
    )
    parser.add_argument(
        "--python", default=None, help="Python of the app (default: the one running this script)"
    )
    parser.add_argument("--json-out", type=Path, default=REPO / "var" / "bench" / "api_bench.json")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after measuring, record each scenario once with py-spy",
    )
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    parser.add_argument(
        "--worker",
        action="store_true",
        help="also run the Huey worker (`minxin run_huey`), which reads new requests and "
        "links the audit chain; its CPU counts as server CPU (column wk)",
    )
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="reuse the database as it is (no drop, migrate or seed)",
    )
    args = parser.parse_args()

    python = args.python or sys.executable
    app_dir = args.app_dir.resolve()
    out_dir = args.json_out.resolve().parent
    out_dir.mkdir(parents=True, exist_ok=True)
    source = describe_source(app_dir)
    if args.ref:
        app_dir = export_ref(app_dir, args.ref, out_dir)
        source = f"{args.ref} = commit {app_dir.name.removeprefix('src-')} (exported)"
    elif args.snapshot:
        app_dir = snapshot_worktree(app_dir, out_dir)
        source += " (snapshot copied at start)"
    data_dir = out_dir / "data"
    data_dir.mkdir(exist_ok=True)

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
        if client == "python":
            log("wrk not found: using benchmarks/loadgen.py (apt-get install -y wrk is better)")
    elif client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "minxin.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        **bench_keys(data_dir),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "0",
        "MINXIN_BENCH_ENDPOINTS": "1",  # the bare insert; never set in production
        "MINXIN_DEMO": "0",
        "MINXIN_PRODUCTION": "0",
        "MINXIN_DATA_DIR": str(data_dir),
        "PYTHONDONTWRITEBYTECODE": "1",
    }

    info = machine_info()
    info["redis_server"] = redis_ping(args.redis_url)
    probe_code = (
        "import redis, django, gunicorn, psycopg; from importlib.metadata import "
        "version; print(django.get_version(), gunicorn.__version__, "
        "psycopg.__version__, version('django-ninja'))"
    )
    check = subprocess.run(
        [python, "-c", probe_code], capture_output=True, text=True, cwd=app_dir, check=False
    )
    if check.returncode != 0:
        raise SystemExit(
            "the app's Python lacks a dependency (the Redis cache needs the "
            "`redis` package): run `python3 dev.py test` or "
            f"`{python} -m pip install -e .` first\n{check.stderr[-800:]}"
        )
    versions = check.stdout.split()
    info.update(
        django=versions[0], gunicorn=versions[1], psycopg=versions[2], django_ninja=versions[3]
    )
    if client == "wrk":
        info["wrk"] = (
            subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
            .stdout.split("\n")[0]
            .strip()
        )

    dbname = urlparse(args.database_url).path.lstrip("/")
    if not args.skip_setup:
        info["postgres"] = recreate_database(args.database_url)
        run([python, "-m", "minxin", "migrate", "--noinput", "-v0"], env=env, cwd=app_dir)
        run([python, "-m", "minxin", "seed_demo"], env=env, cwd=app_dir)

    config = {
        "command": " ".join([_rel(sys.executable), _rel(sys.argv[0]), *sys.argv[1:]]),
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "warmup_s": args.warmup,
        "gunicorn_workers": args.workers,
        "gunicorn_args": args.gunicorn_args,
        "worker_class": "sync" if "worker-class" not in args.gunicorn_args else args.gunicorn_args,
        "load_generator": client if client == "python" else f"wrk -t{args.wrk_threads}",
        "query_pool": args.query_pool,
        "database": args.database_url,
        "cache": f"Redis ({args.redis_url})",
        "app_dir": str(app_dir),
        "source": source,
    }

    server = Gunicorn(
        python=python,
        app_dir=app_dir,
        env=env,
        workers=args.workers,
        port=args.port,
        extra=args.gunicorn_args.split(),
        log_path=out_dir / "gunicorn.log",
    )
    results: dict = {"machine": info, "config": config}
    worker = (
        HueyWorker(python=python, app_dir=app_dir, env=env, log_path=out_dir / "worker.log")
        if args.worker
        else None
    )
    try:
        gunicorn_pid = server.start()
        pairs = out_dir / "tracking_pairs.txt"
        log(f"pre-creating {args.query_pool} requests for the tracking query")
        create_query_pool(args.port, args.query_pool, pairs)
        loadgen = LoadGen(
            client,
            port=args.port,
            concurrency=args.concurrency,
            threads=args.wrk_threads,
            pairs=pairs,
            python=python,
        )
        worker_pid = worker.start() if worker else None
        probe = CpuProbe(gunicorn_pid, dbname, worker_pid)

        idle_before = probe.snapshot()
        time.sleep(2)
        idle = CpuProbe.delta(idle_before, probe.snapshot())
        info["machine_cores_busy_before_start"] = round(idle["machine_busy"] / idle["wall"], 2)

        for scenario in SCENARIOS:
            log(f"warm-up {scenario} {args.warmup:g} s")
            loadgen.run(scenario, args.warmup)

        rounds: list[dict[str, dict]] = []
        for r in range(args.rounds):
            order = SCENARIOS[r % 3 :] + SCENARIOS[: r % 3]
            this: dict[str, dict] = {}
            for scenario in order:
                time.sleep(1)
                result = measure(loadgen, probe, scenario, args.duration)
                this[scenario] = result
                log(
                    f"round {r + 1}/{args.rounds} {scenario:<6} {result['rps']:8.1f} req/s  "
                    f"p50 {result['latency_ms']['p50']:.1f} ms  p99 "
                    f"{result['latency_ms']['p99']:.1f} ms  errors {result['errors']}  "
                    f"cores: app {result['cores_busy']['app']:.2f} pg "
                    f"{result['cores_busy']['pg_backends']:.2f} loadgen "
                    f"{result['cores_busy']['loadgen']:.2f} other "
                    f"{result['cores_busy']['other']:.2f}"
                )
            rounds.append(this)
        results["rounds"] = rounds
        results["summary"] = summarise(rounds)

        if args.profile:
            for scenario in SCENARIOS:
                log(f"profiling {scenario} with py-spy")
                path = profile(args.py_spy, gunicorn_pid, loadgen, scenario, args.duration, out_dir)
                log(f"  wrote {path}")
    finally:
        server.stop()
        if worker:
            worker.stop()

    text = table(results["summary"])
    print()
    print(f"machine: {info['nproc']} cores, {info['uname']}")
    print(
        f"date: {info['date_utc']}; load generator: {config['load_generator']}; "
        f"gunicorn {args.workers} sync workers; {args.concurrency} connections; "
        f"{args.rounds} x {args.duration:g} s per scenario"
    )
    print()
    print(text)
    print()
    args.json_out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(
        "JSON "
        + json.dumps(
            {"machine": info, "config": config, "summary": results["summary"]}, ensure_ascii=False
        )
    )
    print(f"\nfull results (every round, CPU by party): {args.json_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
