"""`minxin backup DIR` / `minxin restore DIR`: everything back, in an empty database, with the
keys checked first and the audit chain verified after."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from minxin.accounts.models import User
from minxin.audit.verify import chain_verify
from minxin.ops.backup import BackupError, backup, restore
from minxin.tickets.actors import Actor
from minxin.tickets.models import Photo, Ticket
from minxin.tickets.selectors import citizen_tickets
from minxin.tickets.submission import ticket_add_photo
from minxin.tickets.tests.helpers import submit, to_signed

PHONE = "13912345678"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def installation(city, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket, _ = submit(city, phone=PHONE)
    ticket_add_photo(ticket_id=ticket.pk, actor=Actor.citizen(PHONE), upload=png())
    to_signed(ticket, staff)
    submit(city)
    return ticket


def emptied(settings) -> None:
    """What a new installation has: a migrated database and no files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(settings.MEDIA_ROOT.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database(installation, settings, tmp_path):
    before = Ticket.objects.get(pk=installation.pk)
    photo = Photo.objects.get(ticket=before)
    image = photo.image.read()
    manifest = backup(tmp_path / "b")
    assert manifest["rows"]["tickets.ticket"] == 2
    assert PHONE not in (tmp_path / "b" / "data.mxjsonl.gz").read_bytes().decode("latin-1")
    emptied(settings)
    assert not Ticket.objects.exists()

    done = restore(tmp_path / "b")

    assert done.audit_ok, done.audit_summary
    assert chain_verify().ok
    assert done.files == 1
    after = Ticket.objects.get(pk=before.pk)
    assert (after.tracking_code, after.status, after.submitter_name) == (
        before.tracking_code,
        before.status,
        before.submitter_name,
    )
    assert list(citizen_tickets(phone=PHONE)) == [after]  # the blind index still finds it
    assert Photo.objects.get(ticket=after).image.read() == image
    assert User.objects.filter(username="intake").exists()
    # New rows continue after the restored ids (sequences reset).
    newer, _ = submit({**_city(), "category": after.category})
    assert newer.pk > max(Ticket.objects.exclude(pk=newer.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_keys_that_do_not_open_the_data_stop_before_anything_loads(
    installation, settings, tmp_path, monkeypatch
):
    backup(tmp_path / "b")
    emptied(settings)
    monkeypatch.setenv("MINXIN_DATA_KEYS", f"k9:{secrets.token_hex(16)}")
    with pytest.raises(BackupError, match="MINXIN_DATA_KEYS"):
        restore(tmp_path / "b")
    assert not Ticket.objects.exists()
    monkeypatch.undo()
    monkeypatch.setenv("MINXIN_INDEX_KEY", secrets.token_hex(32))
    with pytest.raises(BackupError, match="MINXIN_INDEX_KEY"):
        restore(tmp_path / "b")
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_changed_backup_file_is_refused(installation, settings, tmp_path):
    backup(tmp_path / "b")
    emptied(settings)
    data = tmp_path / "b" / "data.mxjsonl.gz"
    raw = bytearray(data.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    data.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="data.mxjsonl.gz"):
        restore(tmp_path / "b")
    assert not Ticket.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_restore_never_goes_over_an_installation(installation, tmp_path):
    backup(tmp_path / "b")
    with pytest.raises(BackupError, match="empty database"):
        restore(tmp_path / "b")
    assert Ticket.objects.count() == 2


@pytest.mark.django_db
def test_a_backup_never_writes_into_a_full_directory(city, tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "b"))


@pytest.mark.django_db
def test_a_directory_without_a_backup_gets_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", str(tmp_path))
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(CommandError, match="unknown backup format"):
        call_command("restore", str(tmp_path))


def _city() -> dict:
    from minxin.org.models import Unit

    return {"units": {u.code: u for u in Unit.objects.all()}}
