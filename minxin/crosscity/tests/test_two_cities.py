"""Two Minxin instances on loopback, each with its own SQLite database and SM2 key: a request
transferred while the receiver is down arrives exactly once after it is back, an altered
message is refused, and the receiver's progress and supervision reach the origin.

The cities are real server processes (`minxin runserver`) spoken to over HTTP only; the
databases are copied from one migrated template, and read directly only to count rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gmssl.sm2 import CryptSM2, default_ecc_table

from minxin.demo.city import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[3]
# The data keys of the template's encrypted fields, shared by both cities (each has its own
# SECRET_KEY and SM2 key); a kept template brings its own (`template`).
SHARED_KEYS = {
    "MINXIN_DATA_KEYS": f"t:{secrets.token_hex(16)}",
    "MINXIN_INDEX_KEY": secrets.token_hex(32),
}


def _base_env(data_dir: Path, database: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE"))}
    keep.pop("REDIS_URL", None)
    return {
        **keep,
        **SHARED_KEYS,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "minxin.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "MINXIN_DATA_DIR": str(data_dir),
        "MINXIN_AUDIT_WITNESS": f"dir:{data_dir / 'witness'}",
        "HUEY_IMMEDIATE": "1",  # the outbox is sent as each transaction commits
        "MINXIN_CROSSCITY_TIMEOUT_SECONDS": "60",
    }


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _schema_digest() -> str:
    """Of everything the template holds: the migrations and the demo city's file."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("minxin/*/migrations/*.py"), *ROOT.glob("minxin/demo/*")]):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with the demo city, copied for each instance; kept under var/
    for the next run while the migrations and the demo city are unchanged."""
    kept = ROOT / "var" / "test-templates" / f"crosscity-{_schema_digest()}.sqlite3"
    keys = kept.with_suffix(".keys.json")
    if kept.exists() and keys.exists():
        SHARED_KEYS.update(json.loads(keys.read_text()))
        return kept
    folder = tmp_path_factory.mktemp("template")
    database = folder / "template.sqlite3"
    script = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); call_command('createcachetable'); "
        "from minxin.demo.seed import build_city; build_city()"
    )
    env = {**_base_env(folder, database), "SECRET_KEY": "template"}
    _run(env, "-c", script)
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(f".{os.getpid()}.tmp")
    keys.write_text(json.dumps(SHARED_KEYS))
    shutil.copy(database, partial)
    partial.replace(kept)  # atomic, and after its keys: a run sees a whole pair or none
    return kept


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class City:
    code: str
    name: str
    folder: Path
    port: int = field(default_factory=_free_port)
    private_key: str = field(default_factory=lambda: f"{secrets.randbits(255) | 1:064x}")
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.folder / "db.sqlite3"

    @property
    def public_key(self) -> str:
        curve = CryptSM2(private_key=self.private_key, public_key="")
        return str(curve._kg(int(self.private_key, 16), default_ecc_table["g"]))

    @property
    def env(self) -> dict[str, str]:
        return {
            **_base_env(self.folder, self.database),
            "SECRET_KEY": f"secret-{self.code}",
            "MINXIN_SM2_PRIVATE_KEY": self.private_key,
            "MINXIN_CITY_CODE": self.code,
            "MINXIN_CITY_NAME": self.name,
        }

    def start(self) -> None:
        log = (self.folder / "server.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "minxin", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/livez", timeout=2).close()
                return
            except OSError:
                assert self.process.poll() is None, (self.folder / "server.log").read_text()
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def command(self, *args: str) -> str:
        return _run(self.env, "-m", "minxin", *args)

    def execute(self, sql: str, *params: object) -> None:
        with sqlite3.connect(self.database) as db:
            db.execute(sql, params)

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(sql, params).fetchall()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str = "",
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def token(self, username: str) -> str:
        status, body = self.call(
            "POST", "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD}
        )
        assert status == 200, body
        return str(body["token"])


@pytest.fixture
def cities(template: Path, tmp_path: Path) -> Iterator[tuple[City, City]]:
    a = City("jia", "甲市", tmp_path / "jia")
    b = City("yi", "乙市", tmp_path / "yi")
    for city in (a, b):
        city.folder.mkdir()
        shutil.copy(template, city.database)
    # Each knows the other (the `crosscity peer` command's row, written directly: a process
    # start less per city; the command has its own test).
    for here, there in ((a, b), (b, a)):
        here.execute(
            "INSERT INTO crosscity_peer (code, name, base_url, public_key, is_active) "
            "VALUES (?, ?, ?, ?, 1)",
            there.code,
            there.name,
            there.url,
            there.public_key,
        )
    try:
        a.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def _timeline(city: City, token: str, ticket_id: int) -> list[dict[str, Any]]:
    status, body = city.call("GET", f"/api/v1/staff/requests/{ticket_id}", token=token)
    assert status == 200, body
    return list(body["timeline"])


def test_transfer_survives_an_outage_arrives_once_and_reports_back(cities):
    a, b = cities  # 甲市 is up, 乙市 is down
    status, made = a.call(
        "POST",
        "/api/v1/requests",
        {"request_type": "complaint", "title": "跨界河道污染", "content": "上游排污口在乙市境内"},
    )
    assert status == 201, made
    ((origin_id,),) = a.rows(
        "SELECT id FROM tickets_ticket WHERE tracking_code=?", made["tracking_code"]
    )
    intake = a.token("intake")

    status, transfer = a.call(
        "POST",
        f"/api/v1/staff/requests/{origin_id}/transfer",
        {"peer": "yi", "reason": "事发地在乙市"},
        token=intake,
    )
    assert status == 201, transfer
    assert transfer["delivered"] is False  # 乙市 was down: the message waits in the outbox
    ((attempts, error),) = a.rows("SELECT attempts, last_error FROM crosscity_message")
    assert attempts == 1
    assert error
    assert "0 delivered, 1 waiting" in a.command("crosscity", "deliver", "--all")

    b.start()
    assert "1 delivered, 0 waiting" in a.command("crosscity", "deliver", "--all")
    ((arrived_id, arrived_code),) = b.rows(
        "SELECT t.id, t.tracking_code FROM tickets_ticket t JOIN crosscity_transfer x "
        "ON x.ticket_id=t.id WHERE x.direction='in'"
    )
    # The arrival's first step came back at once: the origin knows its code there.
    status, listed = a.call("GET", f"/api/v1/staff/requests/{origin_id}/transfers", token=intake)
    assert listed[0]["remote_code"] == arrived_code
    assert listed[0]["delivered"] is True

    # Delivered again (as when the sender never saw the answer): taken once only.
    ((body, signature),) = a.rows(
        "SELECT body, signature FROM crosscity_message WHERE kind='transfer'"
    )
    sign = {"X-Minxin-City": "jia", "X-Minxin-Signature": signature}
    status, again = b.call("POST", "/crosscity/v1/messages", raw=body.encode(), headers=sign)
    assert status == 200
    assert again["duplicate"] is True
    assert again["tracking_code"] == arrived_code
    tickets_before = b.rows("SELECT count(*) FROM tickets_ticket")
    assert b.rows("SELECT count(*) FROM crosscity_transfer WHERE direction='in'") == [(1,)]

    # Altered on the way: refused, and nothing is created.
    forged = body.replace("上游排污口", "下游排污口").encode()
    status, refused = b.call("POST", "/crosscity/v1/messages", raw=forged, headers=sign)
    assert status == 401
    assert refused["error"]["code"] == "bad_signature"
    fresh = json.loads(body)
    fresh["transfer"] = "00000000-0000-4000-8000-000000000001"
    status, _ = b.call(
        "POST", "/crosscity/v1/messages", raw=json.dumps(fresh).encode(), headers=sign
    )
    assert status == 401
    assert b.rows("SELECT count(*) FROM tickets_ticket") == tickets_before

    # 乙市 handles it; each step shows on 甲市's timeline, the public ones to the citizen.
    b_intake = b.token("intake")
    status, accepted = b.call(
        "POST", f"/api/v1/staff/requests/{arrived_id}/accept", {}, token=b_intake
    )
    assert status == 200, accepted
    shown = [e["citizen_text"] for e in _timeline(a, intake, origin_id)]
    assert "已转至乙市办理" in shown
    assert "乙市：诉求已受理" in shown

    # 联合督办: 甲市's supervisor asks; 乙市 opens an order; its record comes back.
    status, joint = a.call(
        "POST",
        f"/api/v1/staff/transfers/{transfer['uid']}/supervise",
        {"note": "请于三日内反馈排污口整治情况"},
        token=a.token("supervisor"),
    )
    assert status == 201, joint
    assert b.rows("SELECT state, note FROM supervision_supervisionorder") == [
        ("open", "甲市联合督办：请于三日内反馈排污口整治情况")
    ]
    notes = [e["note"] for e in _timeline(a, intake, origin_id)]
    assert any("督办" in n and "排污口整治" in n for n in notes)
    assert a.rows("SELECT count(*) FROM crosscity_message WHERE delivered_at IS NULL") == [(0,)]
