"""The TOTP second factor: enrolment, login with a code, replay, disabling."""

from __future__ import annotations

import pyotp
import pytest
from django.core.cache import cache

from conftest import PASSWORD
from minxin.workbench.models import StaffTotp


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def enrolled(staff) -> StaffTotp:
    return StaffTotp.objects.create(
        user=staff["intake"], secret=pyotp.random_base32(), confirmed=True
    )


def code(device: StaffTotp) -> str:
    return pyotp.TOTP(device.secret).now()


def password(client, username: str = "intake"):
    return client.post("/staff/login/", {"username": username, "password": PASSWORD})


def test_enrolment_shows_a_secret_and_confirms_with_a_code(client, staff):
    client.force_login(staff["intake"])
    client.post("/staff/account/totp/start/")
    device = StaffTotp.objects.get(user=staff["intake"])
    page = client.get("/staff/account/totp/").content.decode()
    assert device.secret[:4] in page
    assert "待确认" in page
    assert client.post("/staff/account/totp/confirm/", {"code": "000000"}).status_code == 422
    response = client.post("/staff/account/totp/confirm/", {"code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert device.secret[:4] not in client.get("/staff/account/totp/").content.decode()


def test_unconfirmed_enrolment_does_not_block_login(client, staff):
    StaffTotp.objects.create(user=staff["intake"], secret=pyotp.random_base32())
    assert password(client)["Location"] == "/staff/"


def test_login_requires_the_code_when_enrolled(client, enrolled):
    response = password(client)
    assert response["Location"] == "/staff/login/totp/"
    assert client.get("/staff/").status_code == 302  # not logged in yet
    assert client.post("/staff/login/totp/", {"code": code(enrolled)})["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_wrong_code_is_refused_and_counts_towards_lockout(client, enrolled):
    password(client)
    for _ in range(5):
        response = client.post("/staff/login/totp/", {"code": "000000"})
    assert response.status_code in (422, 429)
    assert client.post("/staff/login/totp/", {"code": code(enrolled)}).status_code == 429
    assert client.get("/staff/").status_code == 302


def test_a_code_cannot_be_replayed(client, enrolled):
    used = code(enrolled)
    password(client)
    client.post("/staff/login/totp/", {"code": used})
    client.post("/staff/logout/")
    password(client)
    assert client.post("/staff/login/totp/", {"code": used}).status_code == 422


def test_totp_step_needs_the_password_step_first(client, enrolled):
    response = client.post("/staff/login/totp/", {"code": code(enrolled)})
    assert response["Location"] == "/staff/login/"


def test_disabling_needs_a_current_code(client, enrolled, staff):
    client.force_login(staff["intake"])
    assert client.post("/staff/account/totp/disable/", {"code": "000000"}).status_code == 422
    assert StaffTotp.objects.filter(user=staff["intake"]).exists()
    client.post("/staff/account/totp/disable/", {"code": code(enrolled)})
    assert not StaffTotp.objects.filter(user=staff["intake"]).exists()


def test_the_secret_is_encrypted_at_rest(enrolled):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM workbench_stafftotp WHERE id = %s", [enrolled.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("$SM4$")
    assert enrolled.secret not in stored


def test_a_totp_login_may_reveal_contacts_and_a_password_login_may_not(client, enrolled, city):
    from minxin.workbench.tests.helpers import new_ticket

    ticket = new_ticket(city, phone="13812345678")
    password(client)
    client.post("/staff/login/totp/", {"code": code(enrolled)})
    shown = client.post(f"/staff/requests/{ticket.pk}/reveal/", {"reason": "电话核实"})
    assert shown.status_code == 200
    assert "13812345678" in shown.content.decode()
    client.post("/staff/logout/")
    StaffTotp.objects.all().delete()
    password(client)
    refused = client.post(f"/staff/requests/{ticket.pk}/reveal/", {"reason": "电话核实"})
    assert refused.status_code == 403
    assert "13812345678" not in refused.content.decode()


def test_the_password_and_the_totp_step_each_renew_the_session_key(client, enrolled):
    # Finding 8: every proof moves the visitor to a new session id.
    from minxin.portal.tests.test_track import plant_session

    planted = plant_session(client)
    password(client)
    after_password = client.cookies["sessionid"].value
    assert after_password != planted
    assert client.post("/staff/login/totp/", {"code": code(enrolled)}).status_code == 302
    assert client.cookies["sessionid"].value not in (planted, after_password)
