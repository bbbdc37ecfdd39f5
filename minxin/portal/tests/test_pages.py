"""Public pages, the layout's accessibility landmarks, and the display modes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_home_leads_to_submit_track_and_the_public_services(client, city):
    html = client.get("/").content.decode()
    for href in (
        'href="/submit/"',
        'href="/track/"',
        'href="/services/knowledge/"',
        'href="/services/cases/"',
        'href="/services/policy/"',
        'href="/services/assistant/"',
    ):
        assert href in html


def test_a_built_service_leads_to_its_page(client):
    assert client.get("/services/cases/")["Location"] == "/cases/"
    assert client.get("/services/knowledge/")["Location"] == "/guides/"
    assert client.get("/services/assistant/")["Location"] == "/assistant/"
    assert client.get("/services/policy/")["Location"] == "/policies/"


def test_an_unknown_service_is_not_found(client):
    assert client.get("/services/nothing/").status_code == 404


def test_every_page_has_landmarks_and_a_skip_link(client, city):
    for path in ("/", "/submit/", "/track/", "/accessibility/", "/cases/"):
        html = client.get(path).content.decode()
        assert '<html lang="zh-CN"' in html
        assert 'href="#main"' in html
        assert '<main id="main"' in html
        assert "<header" in html
        assert '<nav class="site-nav" aria-label="主导航">' in html
        assert "<footer" in html
        assert "/static/portal/site.css" in html
        assert "http://" not in html.split("<body", 1)[0]  # nothing from elsewhere
        assert "{#" not in html  # a template comment spread over lines is printed


def test_high_contrast_persists_across_pages(client, city):
    assert '<html lang="zh-CN" class="">' in client.get("/").content.decode()
    response = client.post("/view/", {"toggle": "contrast", "next": "/track/"})
    assert response.status_code == 302
    assert response["Location"] == "/track/"
    assert response.cookies["mx_view"].value == "contrast"
    html = client.get("/submit/").content.decode()
    assert '<html lang="zh-CN" class="mx-contrast">' in html
    assert 'value="contrast" data-view-toggle="contrast" aria-pressed="true"' in html
    client.post("/view/", {"toggle": "large", "next": "/"})
    assert 'class="mx-contrast mx-large"' in client.get("/").content.decode()
    client.post("/view/", {"toggle": "contrast", "next": "/"})
    assert '<html lang="zh-CN" class="mx-large">' in client.get("/").content.decode()


def test_the_view_switch_never_redirects_off_site(client):
    response = client.post("/view/", {"toggle": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_unknown_modes_in_the_cookie_are_ignored(client, city):
    client.cookies["mx_view"] = 'contrast."><script>'
    html = client.get("/").content.decode()
    assert '<html lang="zh-CN" class="mx-contrast">' in html
    assert "<script>" not in html.split("<head>")[0]


def test_user_text_is_escaped(client, city):
    from minxin.tickets.tests.helpers import submit

    ticket, password = submit(city, title="<script>alert(1)</script>")
    client.post("/track/", {"tracking_code": ticket.tracking_code, "password": password})
    html = client.get(f"/track/{ticket.tracking_code}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_demo_sms_box_is_kept(client, settings):
    settings.DEMO_MODE = True
    assert client.get("/demo/sms/").status_code == 200


def test_the_stylesheet_names_chinese_fonts_before_any_generic_family():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("portal/site.css")).read_text()
    fonts = re.search(r"--font:([^;]+);", css).group(1)
    names = [name.strip().strip('"') for name in fonts.split(",")]
    generic = min(names.index(g) for g in ("system-ui", "sans-serif", "-apple-system"))
    for face in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC"):
        assert names.index(face) < generic, names
