"""The production settings pass `manage.py check --deploy` with no warning at all."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        MINXIN_PRODUCTION="1", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="minxin.example.gov.cn", MINXIN_DATA_DIR=str(tmp_path),
        MINXIN_DATA_KEYS=f"k1:{secrets.token_hex(16)}", MINXIN_INDEX_KEY=secrets.token_hex(32),
        MINXIN_SM2_PRIVATE_KEY=secrets.token_hex(32), DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )
    return env


def test_check_deploy_is_clean(tmp_path):
    done = subprocess.run([sys.executable, "-m", "minxin", "check", "--deploy",
                           "--fail-level", "WARNING"], cwd=ROOT, env=production_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_development_keys_are_flagged_in_production(tmp_path):
    env = production_env(tmp_path)
    del env["MINXIN_DATA_KEYS"]
    done = subprocess.run([sys.executable, "-m", "minxin", "check", "--deploy",
                           "--fail-level", "WARNING"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "privacy.W001" in done.stdout + done.stderr


def test_form_and_query_input_with_nul_bytes_is_a_400(client, db):
    assert client.get("/track/", {"tracking_code": "AB\x00C"}).status_code == 400
    assert client.post("/staff/login/", {"username": "a\x00", "password": "x"}).status_code == 400
    assert client.get("/").status_code == 200
