"""A second factor on every way in: the workbench, the admin (whose login is the
workbench's) and API tokens; required, with enrolment forced, for the listed roles."""

from __future__ import annotations

import pyotp
import pytest

from conftest import PASSWORD
from minxin.workbench.models import StaffTotp

pytestmark = pytest.mark.django_db
REQUIRED = ["intake", "supervisor", "admin"]


@pytest.fixture
def enrolled(staff) -> StaffTotp:
    return StaffTotp.objects.create(
        user=staff["intake"], secret=pyotp.random_base32(), confirmed=True
    )


def token(client, username: str = "intake", **extra: str):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_an_api_token_needs_the_totp_code_of_an_enrolled_account(client, enrolled):
    # Finding 4: the password alone returned a working token.
    alone = token(client)
    assert alone.status_code == 401
    assert alone.json()["error"]["code"] == "totp_required"
    assert token(client, totp="000000").json()["error"]["code"] == "bad_totp"
    right = token(client, totp=pyotp.TOTP(enrolled.secret).now())
    assert right.status_code == 200
    assert right.json()["token"].startswith("mxs_")


def test_the_admin_login_is_the_workbench_login(client, staff):
    # Finding 4: /admin/login/ with the password alone opened the workbench.
    admin = staff["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    StaffTotp.objects.create(user=admin, secret=pyotp.random_base32(), confirmed=True)
    page = client.get("/admin/login/?next=/admin/notify/smsmessage/")
    assert page.status_code == 302
    assert page["Location"] == "/staff/login/?next=%2Fadmin%2Fnotify%2Fsmsmessage%2F"
    posted = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert posted.status_code == 302
    assert posted["Location"].startswith("/staff/login/")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/staff/").status_code == 302  # nobody is logged in
    step = client.post(
        "/staff/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert step["Location"] == "/staff/login/totp/"
    device = StaffTotp.objects.get(user=admin)
    done = client.post("/staff/login/totp/", {"code": pyotp.TOTP(device.secret).now()})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_role_that_must_have_a_device_is_sent_to_enrol_first(client, staff, settings):
    settings.TOTP_REQUIRED_ROLES = REQUIRED
    client.post("/staff/login/", {"username": "intake", "password": PASSWORD})
    for path in ("/staff/", "/admin/", "/staff/requests/1/"):
        assert client.get(path)["Location"] == "/staff/account/totp/", path
    page = client.get("/staff/account/totp/")
    assert page.status_code == 200
    assert "须先启用动态口令" in page.content.decode()
    client.post("/staff/account/totp/start/")
    device = StaffTotp.objects.get(user=staff["intake"])
    client.post("/staff/account/totp/confirm/", {"code": pyotp.TOTP(device.secret).now()})
    assert client.get("/staff/").status_code == 200


def test_a_role_that_need_not_have_one_logs_in_with_the_password(client, staff, settings):
    settings.TOTP_REQUIRED_ROLES = REQUIRED
    client.post("/staff/login/", {"username": "zhujian", "password": PASSWORD})
    assert client.get("/staff/").status_code == 200
    assert token(client, "zhujian").status_code == 200


def test_no_api_token_for_a_required_role_without_a_device(client, staff, settings):
    settings.TOTP_REQUIRED_ROLES = REQUIRED
    refused = token(client)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "totp_enrolment_required"


def test_a_required_device_cannot_be_switched_off(client, enrolled, staff, settings):
    settings.TOTP_REQUIRED_ROLES = REQUIRED
    client.force_login(staff["intake"])
    response = client.post(
        "/staff/account/totp/disable/", {"code": pyotp.TOTP(enrolled.secret).now()}
    )
    assert response.status_code == 409
    assert StaffTotp.objects.filter(user=staff["intake"]).exists()
