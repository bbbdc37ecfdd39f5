"""`/healthz` tells a load balancer whether this node can serve: it reaches the database."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import DatabaseError

from minxin.core.tests.test_deploy_check import ROOT, production_env


@pytest.mark.django_db
def test_it_works(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_without_a_database(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_it_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def test_a_plain_http_probe_is_answered_in_production(tmp_path):
    # Production redirects every plain-HTTP request to HTTPS; a load balancer's probe must
    # get the answer instead.
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "print(c.get('/healthz', HTTP_HOST='minxin.example.gov.cn').status_code, "
        "c.get('/track/', HTTP_HOST='minxin.example.gov.cn').status_code)"
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
    assert done.stdout.split() == ["200", "301"]
