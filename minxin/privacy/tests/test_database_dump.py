"""A database thief finds no personal values: not in any table read with SQL, and on SQLite
not anywhere in the database file or its write-ahead log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection

from minxin.notify.tests.helpers import last_sms_text
from minxin.privacy.services import contact_reveal
from minxin.privacy.tests.helpers import ADDRESS, NAME, PHONE
from minxin.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def sms_code(phone: str) -> str:
    text = last_sms_text(phone)
    return re.search(r"验证码是(\d{6})", text).group(1)


def submit_over_http(api, city) -> str:
    """Submit as a verified citizen, with an idempotency key; returns the citizen token."""
    assert api.post("/sms/codes", {"phone": PHONE}).status_code == 202
    token = api.post("/sms/verify", {"phone": PHONE, "code": sms_code(PHONE)}).json()
    body = {
        "request_type": "complaint",
        "title": "楼道照明",
        "content": "楼道灯坏了一个月",
        "anonymous": False,
        "name": NAME,
        "address": ADDRESS,
        "district_id": city["units"]["heping"].pk,
    }
    created = api.post(
        "/requests",
        body,
        headers={"X-Citizen-Token": token["citizen_token"], "Idempotency-Key": "dump-test-1"},
    )
    assert created.status_code == 201, created.content
    return token["citizen_token"]


def sql_dump() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.extend(_text(value) for value in row)
    return "\n".join(parts)


def _text(value: object) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def test_no_personal_value_is_stored_in_clear(api, city, staff, client):
    token = submit_over_http(api, city)
    # The portal keeps a verified phone's token in its database session.
    session = client.session
    session["portal.citizen_token"] = token
    session.save()
    revealed = contact_reveal(
        ticket_id=Ticket.objects.get().pk, user=staff["intake"], reason="电话核实"
    )
    assert revealed == {"name": NAME, "phone": PHONE, "address": ADDRESS}

    # Signing is not encryption: even decoded, the session's token shows no phone.
    stored = Session.objects.get().get_decoded()["portal.citizen_token"]
    assert PHONE not in str(signing.loads(stored, salt="minxin.citizen"))

    dump = sql_dump()
    assert "楼道照明" in dump  # the dump does see what is stored in clear (the title)
    for value in (NAME, PHONE, ADDRESS):
        assert value not in dump
    if connection.vendor == "sqlite":
        path, seen_title = Path(connection.settings_dict["NAME"]), False
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                raw = file.read_bytes()
                seen_title = seen_title or "楼道照明".encode() in raw
                for value in (NAME, PHONE, ADDRESS):
                    assert value.encode() not in raw, f"{value} in {file.name}"
                    assert value.encode("utf-16-le") not in raw
        assert seen_title
