from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from minxin.open311.keys import client_for_key, client_revoke, key_digest
from minxin.open311.models import Client
from minxin.open311.tests.conftest import BASE

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_key_once_and_stores_only_its_keyed_hash():
    out = io.StringIO()
    call_command("open311-key", "create", "随手拍", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    client = Client.objects.get(name="随手拍")
    assert raw.startswith("o311_")
    assert len(raw) > 40
    assert client.key_hash == key_digest(raw) != raw
    assert raw not in str(Client.objects.values_list())
    assert client_for_key(raw) == client


def test_a_second_client_with_the_same_name_is_refused():
    call_command("open311-key", "create", "随手拍", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="已存在"):
        call_command("open311-key", "create", "随手拍", stdout=io.StringIO())
    assert Client.objects.count() == 1


def test_a_revoked_key_is_refused_with_403(client, key, lamp):
    from minxin.open311.tests.conftest import form

    client_revoke(client_id=Client.objects.get().pk)
    response = client.post(f"{BASE}/requests.json", form(key, lamp))
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    listed = client.get(f"{BASE}/requests.json", {"api_key": key})
    assert listed.status_code == 403


def test_the_admin_revokes_a_key(client, staff, key):
    admin_user = staff["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    target = Client.objects.get()
    response = client.post(
        "/admin/open311/client/",
        {"action": "revoke", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.revoked
    assert target.revoked_at is not None
    with pytest.raises(Exception, match="api_key"):
        client_for_key(key)


def test_the_admin_shows_what_a_client_filed(client, staff, key, lamp):
    from minxin.open311.models import FiledRequest
    from minxin.open311.tests.conftest import form

    client.post(f"{BASE}/requests.json", form(key, lamp, phone="13800002222"))
    admin_user = staff["admin"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/admin/open311/client/").status_code == 200
    filed = FiledRequest.objects.get()
    page = client.get(f"/admin/open311/filedrequest/{filed.pk}/change/")
    assert page.status_code == 200
    # The unverified contact, masked as every contact in the admin (a reveal shows it whole).
    assert "138****2222" in page.content.decode()
    assert "13800002222" not in page.content.decode()
    assert client.get("/admin/open311/filedrequest/").status_code == 200
