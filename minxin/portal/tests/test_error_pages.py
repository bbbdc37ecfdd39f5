"""Chinese error pages with DEBUG off (the test suite's setting), and the demo's own switch:
no DEBUG, yet the install's development keys, static files and error pages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from minxin.core.tests.test_deploy_check import ROOT, bare_env

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_chinese_not_found_page(client, city, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html
    assert 'href="/submit/"' in html
    assert 'href="/track/"' in html
    assert '<main id="main"' in html


def test_a_failure_gets_the_chinese_error_page_without_details(city, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded at /secret/path")

    monkeypatch.setattr("minxin.portal.views.pages.render", broken)
    response = Client(raise_request_exception=False).get("/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>系统暂时出错</h1>" in html
    assert '<html lang="zh-CN">' in html
    assert "/static/portal/site.css" in html
    assert "exploded" not in html
    assert "Traceback" not in html


def test_a_refused_form_gets_a_chinese_page(city):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/submit/", {"title": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>页面已过期，请重新填写</h1>" in html
    assert "Cookie" in html
    assert "CSRF" not in html


DEMO_PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
print(json.dumps({
    "debug": settings.DEBUG,
    "demo": settings.DEMO_MODE,
    "not_found": client.get("/no-such-page/").content.decode(),
    "css": client.get("/static/portal/site.css").status_code,
}))
"""


def test_the_demo_runs_without_debug_on_the_installs_development_keys(tmp_path):
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    env = {**bare_env(tmp_path), **dev.DEMO_ENV, "DJANGO_SETTINGS_MODULE": "minxin.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + DEMO_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["demo"] is True
    assert "页面不存在" in seen["not_found"]
    assert seen["css"] == 200
    assert (Path(tmp_path) / "dev-keys.json").exists()
