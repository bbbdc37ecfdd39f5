"""The Dockerfile and compose.yaml (docs/operations.md "Containers"): read as files, since the
test machine has no Docker daemon to build or start them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRETS = ("SECRET_KEY", "MINXIN_DATA_KEYS", "MINXIN_INDEX_KEY", "MINXIN_SM2_PRIVATE_KEY")


def compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_image_runs_gunicorn_as_a_user_with_no_key_inside() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#")
    assert "FROM python:3.11-slim" in text
    assert re.search(r"^USER minxin$", text, re.M)
    assert "pip install ." in text
    assert "collectstatic" in text
    assert 'CMD ["gunicorn", "minxin.wsgi:application"' in text
    for name in SECRETS:
        assert not re.search(rf"^\s*(ENV|ARG)\b.*\b{name}\b", text, re.M), name


def test_compose_runs_web_worker_postgres_15_and_a_redis_that_never_evicts() -> None:
    services = compose()["services"]
    assert set(services) == {"app", "worker", "db", "redis"}
    assert services["worker"]["command"] == ["minxin", "run_huey"]
    assert services["db"]["image"] == "postgres:15"
    redis = services["redis"]["command"]
    assert redis[redis.index("--maxmemory-policy") + 1] == "noeviction"


def test_compose_takes_every_key_from_a_secret_file() -> None:
    spec = compose()
    for name in ("app", "worker"):
        service = spec["services"][name]
        environment = service["environment"]
        for key in (*SECRETS, "DATABASE_URL"):
            assert key not in environment, (name, key)
            secret = environment[f"{key}_FILE"].removeprefix("/run/secrets/")
            assert secret in service["secrets"]
            assert spec["secrets"][secret]["file"].startswith("./secrets/")
    db = spec["services"]["db"]["environment"]
    assert "POSTGRES_PASSWORD" not in db
    assert db["POSTGRES_PASSWORD_FILE"]


def test_the_build_context_leaves_out_local_state_and_secrets() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "var", "secrets", "*.env"} <= set(ignored)
