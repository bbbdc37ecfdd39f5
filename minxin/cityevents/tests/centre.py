"""The operations centre's side of the protocol, as a test speaks it: sign and send over HTTP."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from minxin.cityevents.auth import string_to_sign
from minxin.cityevents.signing import SM3, mac


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Centre:
    base: str
    key: str
    secret: str

    def sign(self, method: str, path: str, payload: object = None, **overrides: str) -> Call:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        timestamp = overrides.get("timestamp", str(int(time.time())))
        nonce = overrides.get("nonce", secrets.token_hex(12))
        signature = mac(
            SM3, self.secret.encode(), string_to_sign(method, path, timestamp, nonce, body)
        )
        headers = {
            "X-Minxin-Client": self.key,
            "X-Minxin-Timestamp": timestamp,
            "X-Minxin-Nonce": nonce,
            "X-Minxin-Signature": f"hmac-sm3={signature}",
        }
        if body:
            headers["Content-Type"] = "application/json"
        return Call(method, path, headers, body)

    def send(self, call: Call) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base + call.path, data=call.body or None, method=call.method, headers=call.headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def post(self, path: str, payload: object) -> tuple[int, dict]:
        return self.send(self.sign("POST", path, payload))
