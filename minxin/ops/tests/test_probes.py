"""Liveness and readiness: a load balancer takes a node out when /readyz fails, an
orchestrator restarts a process when /livez fails."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import DatabaseError

from minxin.core.tests.test_deploy_check import ROOT, production_env


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_ready_when_everything_answers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "cache": True, "queue": True, "migrations": True},
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_not_ready_without_a_database_but_alive(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] is False
    assert client.get("/livez").status_code == 200


@pytest.mark.django_db
def test_not_ready_when_the_cache_loses_values(client, monkeypatch):
    monkeypatch.setattr("django.core.cache.cache.get", lambda *a, **k: None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] is False


@pytest.mark.parametrize("path", ["/livez", "/readyz", "/metrics"])
def test_probes_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_plain_http_probes_are_answered_in_production(tmp_path):
    # Production redirects every plain-HTTP request to HTTPS; a load balancer's probe must get
    # the answer instead. The database here is empty: alive, but not ready (no migrations).
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "h = 'minxin.example.gov.cn'; r = c.get('/readyz', HTTP_HOST=h); "
        "print(c.get('/livez', HTTP_HOST=h).status_code, r.status_code, "
        "r.json()['checks']['migrations'], c.get('/track/', HTTP_HOST=h).status_code)"
    )
    env = {**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "minxin.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "503", "False", "301"]
