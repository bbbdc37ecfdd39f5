"""Checkpoints sign the chain's head with SM2; exported, they let an outside party tell
whether the chain was rewritten since."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from minxin.audit import signing
from minxin.audit.chain import checkpoint_message
from minxin.audit.models import ChainEntry, ChainHead, Checkpoint
from minxin.audit.services import checkpoint_create
from minxin.audit.tests.helpers import some_history, sql
from minxin.audit.verify import chain_verify
from minxin.core.errors import Conflict

pytestmark = pytest.mark.django_db
PRIVATE = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"


def test_a_checkpoint_signs_the_head_and_verifies(city, staff):
    some_history(city, staff)
    checkpoint = checkpoint_create()
    head = ChainHead.objects.get()
    assert (checkpoint.seq, checkpoint.hash) == (head.seq, head.hash)
    assert signing.signature_valid(
        public_hex=checkpoint.public_key,
        signature=checkpoint.signature,
        message=checkpoint_message(seq=checkpoint.seq, hash=checkpoint.hash, at=checkpoint.at),
    )
    report = chain_verify()
    assert report.ok
    assert report.checkpoints == 1


def test_the_key_can_come_from_the_environment(city, staff, monkeypatch):
    some_history(city, staff, requests=1)
    monkeypatch.setenv("MINXIN_SM2_PRIVATE_KEY", PRIVATE)
    checkpoint = checkpoint_create()
    assert checkpoint.public_key == signing.signing_key().public_hex
    assert not signing.signing_key().derived
    assert chain_verify().ok


def test_a_forged_or_untrusted_signature_is_caught(city, staff, monkeypatch):
    some_history(city, staff, requests=1)
    checkpoint = checkpoint_create()
    flipped = checkpoint.signature[:-1] + ("0" if checkpoint.signature[-1] != "0" else "1")
    sql("UPDATE audit_checkpoint SET signature = %s", flipped)
    assert "has an invalid SM2 signature" in chain_verify().problems[0]
    sql("UPDATE audit_checkpoint SET signature = %s", checkpoint.signature)
    # A key that has since been replaced is trusted only if listed.
    monkeypatch.setenv("MINXIN_SM2_PRIVATE_KEY", PRIVATE)
    assert "not trusted" in chain_verify().problems[0]
    monkeypatch.setenv("MINXIN_SM2_TRUSTED_KEYS", checkpoint.public_key)
    assert chain_verify().ok


def test_a_checkpoint_beyond_a_truncated_chain_is_caught(city, staff):
    some_history(city, staff)
    checkpoint_create()
    sql("DELETE FROM audit_chainentry WHERE seq > 3")
    sql("UPDATE audit_chainhead SET seq = 3, hash = %s", ChainEntry.objects.get(seq=3).hash)
    problems = chain_verify().problems
    assert any("beyond the end of the chain" in p for p in problems), problems


def test_a_broken_chain_is_not_signed(city, staff):
    some_history(city, staff)
    sql("UPDATE audit_chainentry SET ref = 'timeline:0' WHERE seq = 2")
    with pytest.raises(Conflict, match="#2"):
        checkpoint_create()
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint")
    assert not Checkpoint.objects.exists()


def test_an_empty_chain_has_no_checkpoint(db):
    with pytest.raises(Conflict):
        checkpoint_create()


def test_export_lets_an_outside_party_detect_a_rewrite(city, staff, tmp_path):
    some_history(city, staff)
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    path = tmp_path / "export.json"
    call_command("audit", "export", "--entries", "-o", str(path))
    data = json.loads(path.read_text())
    assert data["public_key"] == signing.signing_key().public_hex
    head = ChainHead.objects.get().seq
    assert len(data["checkpoints"]) == 1
    assert len(data["entries"]) == head
    call_command("audit", "verify", "--against", str(path), stdout=out)

    # Whoever controls the database cuts the tail, checkpoints included...
    sql("DELETE FROM audit_checkpoint")
    sql("DELETE FROM audit_chainentry WHERE seq > 2")
    sql("UPDATE audit_chainhead SET seq = 2, hash = %s", ChainEntry.objects.get(seq=2).hash)
    # ...the export held outside names it.
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--against", str(path), stdout=out, stderr=err)
    assert f"exported checkpoint #{head} is beyond the end of the chain" in err.getvalue()


def test_export_is_refused_unless_it_is_one(tmp_path, db):
    path = tmp_path / "x.json"
    path.write_text("{}")
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--against", str(path))


def test_signing_uses_a_secret_random_nonce():
    message = b"same message"
    first, _ = signing.sign(message)
    second, public = signing.sign(message)
    assert first != second
    assert signing.signature_valid(public_hex=public, signature=first, message=message)
    assert not signing.signature_valid(public_hex=public, signature="zz", message=message)


def test_the_hourly_task_signs_only_when_the_chain_has_grown(city, staff):
    from minxin.audit.tasks import checkpoint_hourly

    sql("DELETE FROM audit_chainentry")
    sql("DELETE FROM audit_chainhead")
    assert checkpoint_hourly.call_local() is None  # nothing to sign yet
    some_history(city, staff, requests=1)
    assert checkpoint_hourly.call_local() == ChainHead.objects.get().seq
    assert checkpoint_hourly.call_local() is None
    assert Checkpoint.objects.count() == 1
