"""The production settings pass `manage.py check --deploy` with no warning at all."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


# Put into the test process's environment by the development keys (minxin.core.devkeys).
KEY_NAMES = ("SECRET_KEY", "MINXIN_DATA_KEYS", "MINXIN_INDEX_KEY", "MINXIN_SM2_PRIVATE_KEY")


def bare_env(tmp_path: Path) -> dict[str, str]:
    """This environment without any key, Django setting or mode switch."""
    drop = ("DJANGO_", "DEBUG", "MINXIN_DEMO", "MINXIN_PRODUCTION", *KEY_NAMES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(MINXIN_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db")
    return env


def production_env(tmp_path: Path) -> dict[str, str]:
    env = bare_env(tmp_path)
    env.update(
        MINXIN_PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="minxin.example.gov.cn",
        MINXIN_DATA_DIR=str(tmp_path),
        MINXIN_DATA_KEYS=f"k1:{secrets.token_hex(16)}",
        MINXIN_INDEX_KEY=secrets.token_hex(32),
        MINXIN_SM2_PRIVATE_KEY=secrets.token_hex(32),
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )
    return env


def test_check_deploy_is_clean(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "minxin", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def run_minxin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minxin", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("production", ["1", "0"])
def test_no_process_starts_without_its_keys_outside_development(tmp_path, production):
    # Finding 1: with no SECRET_KEY this used to start on a public constant.
    env = {**bare_env(tmp_path), "MINXIN_PRODUCTION": production}
    done = run_minxin(env, "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    for name in ("SECRET_KEY", "MINXIN_DATA_KEYS", "MINXIN_INDEX_KEY"):
        assert name in done.stderr
    assert not (tmp_path / "dev-keys.json").exists()


def test_one_missing_key_is_named(tmp_path):
    env = production_env(tmp_path)
    del env["MINXIN_INDEX_KEY"]
    done = run_minxin(env, "check", "--deploy")
    assert done.returncode != 0
    assert "MINXIN_INDEX_KEY" in done.stderr
    assert "MINXIN_DATA_KEYS" not in done.stderr


def test_the_demo_starts_on_generated_keys_and_the_deploy_check_errors(tmp_path):
    env = {**bare_env(tmp_path), "DEBUG": "1", "MINXIN_DEMO": "1"}
    done = run_minxin(env, "check", "--deploy")
    assert done.returncode != 0, done.stdout
    assert "privacy.E001" in done.stderr
    assert "SECRET_KEY" in done.stderr
    generated = json.loads((tmp_path / "dev-keys.json").read_text())
    assert set(KEY_NAMES) <= set(generated)
    assert (tmp_path / "dev-keys.json").stat().st_mode & 0o077 == 0
    # The same install keeps its keys: encrypted data stays readable across restarts.
    again = run_minxin(env, "check")
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "dev-keys.json").read_text()) == generated


def test_form_and_query_input_with_nul_bytes_is_a_400(client, db):
    assert client.get("/track/", {"tracking_code": "AB\x00C"}).status_code == 400
    assert client.post("/staff/login/", {"username": "a\x00", "password": "x"}).status_code == 400
    assert client.get("/").status_code == 200
