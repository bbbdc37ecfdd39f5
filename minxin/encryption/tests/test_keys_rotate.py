"""`minxin keys rotate`: re-encrypts in batches under the current key, resumable, dry run
by default; also refreshes blind indexes after the index key changes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from minxin.encryption import keys, rotation
from minxin.notify.models import SmsMessage
from minxin.notify.services import sms_queue
from minxin.privacy.tests.helpers import PHONE, submit_real_name
from minxin.tickets.models import Ticket

pytestmark = pytest.mark.django_db
NEW = "k2:" + "5a" * 16


@pytest.fixture
def dev_key_hex() -> str:
    return keys.data_keys().keys["dev"].hex()


def stored_key_ids() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitter_name, submitter_phone, address FROM tickets_ticket")
        values = [v for row in cursor.fetchall() for v in row if v]
    return {v.split("$")[2] for v in values}


def rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("keys", "rotate", *args, stdout=out)
    return out.getvalue()


def test_rotate_is_a_dry_run_until_commit_then_skips_what_is_done(city, monkeypatch, dev_key_hex):
    for _ in range(3):
        submit_real_name(city)
    sms_queue(phone=PHONE, text="您好", purpose="test")
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"{NEW},dev:{dev_key_hex}")
    output = rotate("--batch-size", "2")
    assert "tickets.Ticket: 3 rows, 3 to re-encrypt" in output
    assert "dry run" in output
    assert "notify.SmsMessage: 1 rows, 1 to re-encrypt" in output
    assert stored_key_ids() == {"dev"}
    output = rotate("--batch-size", "2", "--commit")
    assert "re-encrypted 3" in output
    assert stored_key_ids() == {"k2"}
    assert {t.submitter_phone for t in Ticket.objects.all()} == {PHONE}
    assert "tickets.Ticket: 3 rows, 0 to re-encrypt" in rotate("--commit")
    # The old key can now go.
    monkeypatch.setenv("MINXIN_DATA_KEYS", NEW)
    assert Ticket.objects.filter(submitter_phone=PHONE).count() == 3
    assert SmsMessage.objects.get(phone=PHONE).text == "您好"


def test_an_interrupted_rotation_resumes_where_it_stopped(city, monkeypatch, dev_key_hex):
    for _ in range(4):
        submit_real_name(city)
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"{NEW},dev:{dev_key_hex}")
    real_rewrite, calls = rotation._rewrite, []

    def crash_on_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real_rewrite(*args, **kwargs)

    monkeypatch.setattr(rotation, "_rewrite", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        rotation.keys_rotate(batch_size=2, commit=True)
    assert stored_key_ids() == {"dev", "k2"}
    monkeypatch.setattr(rotation, "_rewrite", real_rewrite)
    done = {p.label: p for p in rotation.keys_rotate(batch_size=2, commit=True)}
    assert done["tickets.Ticket"].rewritten == 2  # only what the crash left
    assert stored_key_ids() == {"k2"}


def test_a_new_index_key_is_followed_by_rotate_refreshing_the_indexes(city, monkeypatch):
    ticket = submit_real_name(city)
    monkeypatch.setenv("MINXIN_INDEX_KEY", "77" * 32)
    assert not Ticket.objects.filter(submitter_phone=PHONE).exists()
    rotation.keys_rotate(commit=True)
    assert list(Ticket.objects.filter(submitter_phone=PHONE)) == [ticket]


def test_plaintext_left_from_before_encryption_is_encrypted_by_rotate(city):
    ticket = submit_real_name(city)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_ticket SET address = %s WHERE id = %s", ["旧数据路1号", ticket.pk]
        )
    rotation.keys_rotate(commit=True)
    assert stored_key_ids() == {"dev"}
    assert Ticket.objects.get(pk=ticket.pk).address == "旧数据路1号"


def test_generate_prints_fresh_keys():
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    text = out.getvalue()
    assert "MINXIN_DATA_KEYS=k" in text
    assert "MINXIN_SM2_PRIVATE_KEY=" in text
