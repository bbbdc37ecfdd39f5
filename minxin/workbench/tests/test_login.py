"""Password login, lockout after five failures, logout."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache(db):
    cache.clear()
    yield
    cache.clear()


def login(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/staff/login/", {"username": username, "password": password, **extra})


def test_login_page_renders(client, db):
    response = client.get("/staff/login/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=/staff/")


def test_it_logs_in_with_password(client, staff):
    response = login(client, "intake")
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_it_follows_a_safe_next_only(client, staff):
    assert login(client, "intake", next="/staff/search/")["Location"] == "/staff/search/"
    client.logout()
    assert login(client, "intake", next="https://evil.example/")["Location"] == "/staff/"


def test_wrong_password_is_refused(client, staff):
    response = login(client, "intake", "wrong")
    assert response.status_code == 403
    assert "用户名或密码错误" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_it_locks_out_after_five_failures(client, staff):
    for _ in range(5):
        login(client, "intake", "wrong")
    response = login(client, "intake")  # the right password, too late
    assert response.status_code == 429
    assert "锁定15分钟" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_lockout_is_per_username(client, staff):
    for _ in range(5):
        login(client, "intake", "wrong")
    assert login(client, "reviewer").status_code == 302


def test_lockout_counts_regardless_of_case(client, staff):
    for _ in range(5):
        login(client, "INTAKE", "wrong")
    assert login(client, "intake").status_code == 429


def test_success_resets_the_counter(client, staff):
    for _ in range(4):
        login(client, "intake", "wrong")
    assert login(client, "intake").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "intake", "wrong")
    assert login(client, "intake").status_code == 302


def test_inactive_user_cannot_log_in(client, staff):
    staff["intake"].is_active = False
    staff["intake"].save(update_fields=["is_active"])
    assert login(client, "intake").status_code == 403


def test_logout_needs_post(client, staff):
    client.force_login(staff["intake"])
    assert client.get("/staff/logout/").status_code == 405
    response = client.post("/staff/logout/")
    assert response["Location"] == "/staff/login/"
    assert client.get("/staff/").status_code == 302
