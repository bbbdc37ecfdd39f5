"""A real OpenID Connect provider (django-oauth-toolkit, `provider/`) in its own process on
loopback, and a browser's walk through the authorization-code flow over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from minxin.sso.tests.provider import CLIENT_ID, CLIENT_SECRET, PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def provider(live_server, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    env = {
        **os.environ,
        "PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "provider.sqlite3"),
        "PROVIDER_RSA_KEY": pem,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "minxin.sso.tests.provider.serve", str(port),
         live_server.url + "/sso/callback/"],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        # The provider, addressed by IP, keeps its cookies apart from Minxin's (localhost).
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def sso(settings, provider, transactional_db, city, live_server) -> str:  # type: ignore[no-untyped-def]
    discovery = requests.get(provider + "/o/.well-known/openid-configuration", timeout=30).json()
    settings.SSO_OIDC = {
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_OP_ISSUER": discovery["issuer"],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": discovery["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": discovery["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": discovery["userinfo_endpoint"],
        "OIDC_OP_JWKS_ENDPOINT": discovery["jwks_uri"],
    }
    return str(live_server.url)


@dataclass
class Walk:
    """A browser's session through the flow, stopped before Minxin's callback."""

    session: requests.Session
    callback: str

    def finish(self, url: str | None = None) -> requests.Response:
        return self.session.get(url or self.callback, allow_redirects=False, timeout=30)


def walk(minxin: str, start: str, username: str) -> Walk:
    browser = requests.Session()
    to_provider = browser.get(minxin + start, allow_redirects=False, timeout=30)
    assert to_provider.status_code == 302
    authorize = to_provider.headers["Location"]
    to_login = browser.get(authorize, allow_redirects=False, timeout=30)
    login_url = urljoin(authorize, to_login.headers["Location"])
    next_url = parse_qs(urlparse(login_url).query)["next"][0]
    logged_in = browser.post(
        login_url, data={"username": username, "password": PASSWORD, "next": next_url},
        allow_redirects=False, timeout=30,
    )  # fmt: skip
    assert logged_in.status_code == 302, logged_in.text
    back = browser.get(
        urljoin(login_url, logged_in.headers["Location"]), allow_redirects=False, timeout=30
    )
    assert back.status_code == 302, back.text
    assert back.headers["Location"].startswith(minxin + "/sso/callback/?")
    return Walk(browser, back.headers["Location"])
