"""How a receiver checks a delivery (docs/interop.md, "Webhooks out"), for receivers written in
Python and for our tests: signature, time window, and a delivery id not seen before."""

from __future__ import annotations

import time
from collections.abc import Mapping

from minxin.cityevents.signing import mac_matches

WINDOW_SECONDS = 300


def verify(
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str,
    seen: set[str],
    now: float | None = None,
) -> tuple[int, str]:
    """(HTTP status to answer, reason): 200 a new delivery; 401 forged or stale; 409 a repeat."""
    delivery_id = headers.get("X-Minxin-Delivery", "")
    timestamp = headers.get("X-Minxin-Timestamp", "")
    algorithm, _, signature = headers.get("X-Minxin-Signature", "").partition("=")
    message = f"{timestamp}.{delivery_id}.".encode() + body
    if not (delivery_id and timestamp.isdigit()) or not mac_matches(
        algorithm, secret.encode(), message, signature
    ):
        return 401, "bad signature"
    if abs((now if now is not None else time.time()) - int(timestamp)) > WINDOW_SECONDS:
        return 401, "stale"
    if delivery_id in seen:
        return 409, "already received"
    seen.add(delivery_id)
    return 200, "ok"
