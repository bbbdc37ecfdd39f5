"""Every request has an id: echoed in the response and on each log line it causes."""

from __future__ import annotations

import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from minxin.ops.requestid import RequestIdFilter


def test_an_id_is_made_and_returned(client):
    first = client.get("/livez")["X-Request-ID"]
    second = client.get("/livez")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_sane_id_from_the_proxy_is_kept_an_odd_one_replaced(client):
    assert client.get("/livez", HTTP_X_REQUEST_ID="lb-42.a_b")["X-Request-ID"] == "lb-42.a_b"
    odd = client.get("/livez", HTTP_X_REQUEST_ID="x\ninjected: 1")["X-Request-ID"]
    assert "\n" not in odd
    assert len(odd) == 32


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id_as_json(client):
    stream = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    )
    access = logging.getLogger("minxin.access")
    access.addHandler(handler)
    try:
        response = client.get("/readyz", HTTP_X_REQUEST_ID="trace-7")
    finally:
        access.removeHandler(handler)
    lines = [json.loads(line) for line in stream]
    assert response["X-Request-ID"] == "trace-7"
    assert lines[-1]["request_id"] == "trace-7"
    assert lines[-1]["route"] == "/readyz"
    assert lines[-1]["status"] == 200
    assert lines[-1]["duration_ms"] >= 0


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"
