"""A small closed-loop HTTP load generator: the fallback when `wrk` is not installed.

    python benchmarks/loadgen.py --host 127.0.0.1 --port 8077 --mode ping \
        --duration 15 --concurrency 16 [--pairs FILE]

`--concurrency` connections each send one request, wait for the whole answer, and send
the next, for `--duration` seconds (asyncio, raw sockets, HTTP/1.1 keep-alive when the
server allows it; gunicorn's sync workers close after each answer, so it reconnects).
Latency is timed from writing the request to reading the last byte of the body, like
wrk (connecting is not counted). Prints one line `LOADGEN_JSON {...}` in the same shape
as benchmarks/wrk/api.lua prints. It is Python, so it costs far more CPU per request than
wrk: on a 2-core machine prefer wrk (`apt-get install -y wrk`); the runner reports how
much CPU the load generator took so you can judge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time


def submit_body(worker: int, i: int) -> bytes:
    return json.dumps(
        {
            "request_type": "complaint",
            "title": f"压测：小区门口路灯不亮 {worker}-{i}",
            "content": "小区东门外的三盏路灯已经连续一周不亮，晚上老人和孩子出行很不方便，"
            f"希望有关部门尽快派人检修。这是基准测试生成的诉求，编号 {i}。",
            "anonymous": True,
            "channel": "api",
        },
        ensure_ascii=False,
    ).encode()


def build_requests(mode: str, host: str, port: int, pairs: str | None) -> list[bytes]:
    head = f"Host: {host}:{port}\r\nAccept: application/json\r\nUser-Agent: minxin-loadgen\r\n"
    if mode == "ping":
        return [f"GET /api/v1/ping HTTP/1.1\r\n{head}\r\n".encode()]
    if mode == "insert":  # the benchmark-only one-row insert (MINXIN_BENCH_ENDPOINTS=1)
        return [
            f"POST /api/v1/bench/insert HTTP/1.1\r\n{head}"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}".encode()
        ]
    if mode == "submit":
        out = []
        for i in range(1, 2001):
            body = submit_body(0, i)
            out.append(
                f"POST /api/v1/requests HTTP/1.1\r\n{head}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        return out
    if mode == "track":
        if not pairs:
            raise SystemExit("--pairs is needed for --mode track")
        out = []
        with open(pairs, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 2:
                    out.append(
                        f"GET /api/v1/requests/{parts[0]}?password={parts[1]} HTTP/1.1\r\n"
                        f"{head}\r\n".encode()
                    )
        if not out:
            raise SystemExit(f"no pairs in {pairs}")
        return out
    raise SystemExit(f"unknown mode {mode}")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one response; returns (status, server_keeps_connection)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before the status line")
    status = int(status_line.split(b" ", 2)[1])
    length, close, chunked = None, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        value = value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value == b"close":
            close = True
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()  # until close
        close = True
    return status, not close


async def worker(
    index: int,
    host: str,
    port: int,
    requests: list[bytes],
    deadline: float,
    latencies: list[float],
    errors: dict[str, int],
    timeout: float,
) -> None:
    n = (index * 7919) % len(requests)
    reader = writer = None
    while time.perf_counter() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), timeout
                )
            n = (n + 1) % len(requests)
            start = time.perf_counter()
            writer.write(requests[n])
            status, keep = await asyncio.wait_for(read_response(reader), timeout)
            latencies.append(time.perf_counter() - start)
            if status > 399:
                errors["status"] += 1
            if not keep:
                writer.close()
                writer = None
        except TimeoutError:
            errors["timeout"] += 1
            writer = None
        except OSError:
            errors["connect" if writer is None else "read"] += 1
            writer = None
            await asyncio.sleep(0.01)
        except (ConnectionError, ValueError, asyncio.IncompleteReadError):
            errors["read"] += 1
            writer = None
    if writer is not None:
        writer.close()


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


async def main_async(args: argparse.Namespace) -> dict:
    requests = build_requests(args.mode, args.host, args.port, args.pairs)
    random.seed(1)
    latencies: list[float] = []
    errors = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}
    start = time.perf_counter()
    deadline = start + args.duration
    await asyncio.gather(
        *(
            worker(i, args.host, args.port, requests, deadline, latencies, errors, args.timeout)
            for i in range(args.concurrency)
        )
    )
    elapsed = time.perf_counter() - start
    lat = sorted(x * 1e6 for x in latencies)
    return {
        "requests": len(lat),
        "duration_us": int(elapsed * 1e6),
        "bytes": 0,
        "errors": errors,
        "latency_us": {
            "min": int(lat[0]) if lat else 0,
            "mean": sum(lat) / len(lat) if lat else 0.0,
            "max": int(lat[-1]) if lat else 0,
            **{f"p{p}": int(percentile(lat, p)) for p in (50, 90, 95, 99)},
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--mode", choices=["ping", "insert", "submit", "track"], required=True)
    parser.add_argument("--pairs")
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    sys.stdout.write("LOADGEN_JSON " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
