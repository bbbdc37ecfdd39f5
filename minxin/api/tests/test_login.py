"""The API's token login takes the workbench's login steps (accounts.login)."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from conftest import PASSWORD
from minxin.core import clock
from minxin.workbench.models import StaffTotp

pytestmark = pytest.mark.django_db


def token(client, totp: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token",
        {"username": "intake", "password": PASSWORD, "totp": totp},
        content_type="application/json",
    )


def test_a_good_totp_code_counts_against_nobody(client, staff, settings):
    # Each try is counted before it is checked; a proven code is given back, so logging in
    # with a second factor never uses up the client's tries.
    settings.LOGIN_MAX_FAILURES_PER_IP = 2
    device = StaffTotp.objects.create(
        user=staff["intake"], secret=pyotp.random_base32(), confirmed=True
    )
    start = clock.now()
    for minute in range(4):
        clock.freeze(start + dt.timedelta(minutes=minute))  # a fresh code each time
        response = token(client, pyotp.TOTP(device.secret).at(clock.now()))
        assert response.status_code == 200, response.content


def test_a_wrong_totp_code_counts_and_says_how_many_tries_are_left(client, staff):
    StaffTotp.objects.create(user=staff["intake"], secret=pyotp.random_base32(), confirmed=True)
    refused = token(client, "000000")
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("bad_totp", "totp")
    assert "还可尝试4次" in error["message"]
