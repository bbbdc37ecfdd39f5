"""Shared test fixtures: the demo city and one persona per role."""

from __future__ import annotations

import pytest
from django.test import Client

from minxin.accounts.models import User
from minxin.core import clock, process_cache
from minxin.demo import city as demo_city
from minxin.demo.seed import build_city
from minxin.org.models import Category, RequestType, Unit


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    clock.freeze(None)


@pytest.fixture(autouse=True)
def _no_required_second_factor(settings):
    # The personas have no TOTP device; the tests of the required factor turn it on.
    settings.TOTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _own_audit_witness(settings, tmp_path):
    # Each test's checkpoints go to its own witness, never to another test database's.
    settings.AUDIT_WITNESS = f"dir:{tmp_path / 'audit-witness'}"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    # Each test's SMS land on its own phones (minxin.notify.tests.phones), like mail.outbox.
    from minxin.notify.tests.phones import LocmemSender

    settings.SMS_SENDER = "minxin.notify.tests.phones.LocmemSender"
    LocmemSender.outbox.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per account; the tests create dozens of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_process_caches(settings):
    """Each test sees what its own database holds: a value cached by an earlier test (whose
    rows were rolled back, and whose ids may be reused) must not leak in."""
    settings.NLP_ACTIVE_CHECK_SECONDS = 0
    # Tests train the models they need; the shipped one is tested on its own (nlp/tests).
    settings.NLP_DEFAULT_MODEL = False
    process_cache.reset_all()
    yield
    process_cache.reset_all()


@pytest.fixture
def city(db) -> dict:
    """The demo organisation (no requests): units, types, categories, staff."""
    build_city()
    return {
        "units": {u.code: u for u in Unit.objects.all()},
        "types": {t.code: t for t in RequestType.objects.all()},
        "category": Category.objects.get(name="物业管理"),
    }


@pytest.fixture
def staff(city) -> dict[str, User]:
    return {u.username: u for u in User.objects.select_related("unit")}


PASSWORD = demo_city.DEMO_PASSWORD
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run: Playwright's sync API allows one driver per thread."""
    import os

    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} not installed (apt-get install -y chromium; dev.py test does)"
        if os.environ.get("MINXIN_REQUIRE_BROWSER") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def staff_token(client: Client, username: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def api(client):
    """A tiny JSON client: api.post(path, body, token=...)."""

    class Api:
        def call(
            self,
            method: str,
            path: str,
            body: dict | None = None,
            token: str | None = None,
            headers: dict | None = None,
        ):
            extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
            if token:
                extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            fn = getattr(client, method)
            if method == "get":
                return fn(f"/api/v1{path}", body or {}, **extra)
            return fn(f"/api/v1{path}", body or {}, content_type="application/json", **extra)

        def get(self, path: str, params: dict | None = None, **kw):
            return self.call("get", path, params, **kw)

        def post(self, path: str, body: dict | None = None, **kw):
            return self.call("post", path, body, **kw)

        def login(self, username: str) -> str:
            return staff_token(client, username)

    return Api()
