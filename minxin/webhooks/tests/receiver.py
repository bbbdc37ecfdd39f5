"""A webhook receiver on 127.0.0.1, as a city system would run one: it checks each delivery
with `webhooks.receiving.verify` and can be told to be down for a number of calls."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from minxin.webhooks.receiving import verify


@dataclass
class Receiver:
    secret: str = ""
    down: int = 0  # answer 503 to this many calls first
    url: str = ""
    seen: set[str] = field(default_factory=set)
    accepted: list[dict] = field(default_factory=list)
    raw: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        self.raw.append((headers, body))
        if self.down > 0:
            self.down -= 1
            status = 503
        else:
            status, _ = verify(headers, body, secret=self.secret, seen=self.seen)
            if status == 200:
                self.accepted.append(json.loads(body))
        self.answers.append(status)
        return status


@contextmanager
def running(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.handle(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
