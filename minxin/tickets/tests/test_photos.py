"""Photos: type judged by content, size limited, location metadata removed."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from minxin.core.errors import PermissionDenied, ValidationFailed
from minxin.tickets.actors import Actor
from minxin.tickets.submission import check_image, ticket_add_photo
from minxin.tickets.tests.helpers import submit

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 15.0, 0.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_location_metadata_is_removed(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif()
    ticket, _ = submit(city)
    photo = ticket_add_photo(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), upload=raw
    )
    stored = photo.image.read()
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"PhoneMaker" not in stored


def test_a_renamed_file_is_judged_by_its_content():
    with pytest.raises(ValidationFailed):
        check_image(b"%PDF-1.4 pretending to be a jpeg")
    gif = io.BytesIO()
    Image.new("RGB", (2, 2)).save(gif, "GIF")
    with pytest.raises(ValidationFailed):
        check_image(gif.getvalue())


def test_only_the_submitter_adds_photos(city):
    ticket, _ = submit(city)
    with pytest.raises(PermissionDenied):
        ticket_add_photo(
            ticket_id=ticket.pk, actor=Actor.code_holder("OTHERCODE2"), upload=jpeg_with_gps()
        )
