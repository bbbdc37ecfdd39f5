"""Photos are served only through a view that checks the citizen's proof or the staff
member's scope, under random file names; nothing under /media/ is served, demo included."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

from minxin.portal.tests.helpers import png
from minxin.tickets.actors import Actor
from minxin.tickets.models import Photo
from minxin.tickets.submission import ticket_add_photo
from minxin.tickets.tests.helpers import submit, to_signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(city, media) -> tuple[Photo, str]:
    ticket, password = submit(city)
    saved = ticket_add_photo(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), upload=png().read()
    )
    return saved, password


def prove(client: Client, photo: Photo, password: str) -> None:
    client.post("/track/", {"tracking_code": photo.ticket.tracking_code, "password": password})


def test_a_photo_file_is_named_at_random_not_by_tracking_code(photo):
    saved, _ = photo
    assert saved.ticket.tracking_code not in saved.image.name
    assert saved.image.name.startswith("photos/")
    assert len(saved.image.name) > 30


def test_media_is_not_served_statically_even_in_demo_mode(photo, settings):
    # Finding 9: in demo mode /media/photos/…/<tracking code>.jpg was served unchecked.
    import minxin.urls

    saved, _ = photo
    settings.DEMO_MODE = settings.DEBUG = True
    try:
        importlib.reload(minxin.urls)
        clear_url_caches()
        assert Client().get(f"/media/{saved.image.name}").status_code == 404
    finally:
        settings.DEMO_MODE = settings.DEBUG = False
        importlib.reload(minxin.urls)
        clear_url_caches()


def test_the_citizen_who_proved_the_code_sees_the_photo(client, photo):
    saved, password = photo
    assert client.get(f"/photos/{saved.pk}/").status_code == 404
    prove(client, saved, password)
    response = client.get(f"/photos/{saved.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]


def test_another_visitor_or_a_wrong_password_sees_nothing(client, photo):
    saved, password = photo
    prove(client, saved, "000000" if password != "000000" else "111111")
    assert client.get(f"/photos/{saved.pk}/").status_code == 404
    assert Client().get(f"/photos/{saved.pk}/").status_code == 404


def test_staff_see_photos_of_requests_in_their_scope_only(client, photo, staff):
    saved, _ = photo
    to_signed(saved.ticket, staff)  # handled by zhujian
    client.force_login(staff["zhujian"])
    assert client.get(f"/photos/{saved.pk}/").status_code == 200
    client.force_login(staff["renshe"])
    assert client.get(f"/photos/{saved.pk}/").status_code == 404
    client.force_login(staff["intake"])
    assert client.get(f"/photos/{saved.pk}/").status_code == 200
