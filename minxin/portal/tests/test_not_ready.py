"""A fresh install with no units says what to set up, and offers no form it could not route."""

from __future__ import annotations

import pytest

from minxin.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_to_set_up_and_offers_no_form(client):
    page = client.get("/").content.decode()
    assert "平台尚未完成初始设置，暂时不能受理诉求" in page
    assert "单位（受理中心、市直部门、区县、街道）" in page
    assert "我要提交诉求" not in page


def test_the_form_is_not_offered_until_there_is_a_unit(client):
    response = client.get("/submit/")
    assert response.status_code == 503
    assert 'name="request_type"' not in response.content.decode()
    assert client.post("/submit/", {"title": "路灯不亮"}).status_code == 503


def test_the_workbench_lists_what_is_missing(client):
    admin = User.objects.create_user("admin", password="x-admin-2026", role="admin", is_staff=True)
    client.force_login(admin)
    page = client.get("/staff/").content.decode()
    assert "城市尚未设置完成" in page
    assert "职责归属（哪个单位办理哪一类诉求）" in page
    assert "minxin city import" in page


def test_a_city_with_units_takes_requests(city, client):
    assert "我要提交诉求" in client.get("/").content.decode()
    assert client.get("/submit/").status_code == 200
