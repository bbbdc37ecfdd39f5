from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from minxin.open311.models import FiledRequest
from minxin.open311.tests.conftest import BASE, form

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_client_sent_contact_masked(client, key, lamp, staff):
    sent = form(key, lamp, first_name="小明", last_name="王", phone="13812345678")
    sent["email"] = "wang@example.cn"
    assert client.post(f"{BASE}/requests.json", sent).status_code == 201
    filed = FiledRequest.objects.get()
    model_admin = admin.site._registry[FiledRequest]
    request = RequestFactory().get("/admin/")
    request.user = staff["admin"]
    assert "payload" not in model_admin.get_fields(request, filed)
    shown = model_admin.contact(filed)
    assert "phone: 138****5678" in shown
    assert "last_name: 王*" in shown
    assert "email: w***@example.cn" in shown
    assert "13812345678" not in shown
    assert "wang@" not in shown
