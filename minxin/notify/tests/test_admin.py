"""The admin never shows decrypted personal data, nor a code waiting to be sent."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from minxin.encryption.fields import EncryptedTextField
from minxin.notify.models import SECRET_MASK
from minxin.notify.services import sms_queue

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def superuser(staff):  # type: ignore[no-untyped-def]
    user = staff["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_an_sms_in_the_admin_shows_a_masked_phone_and_no_code(client, city, staff):
    # Finding 5: the change page showed the citizen's full phone, unlogged.
    message = sms_queue(
        phone=PHONE, purpose="verify", secret="292108", text=f"您的验证码是{SECRET_MASK}"
    )
    client.force_login(superuser(staff))
    for url in ("/admin/notify/smsmessage/", f"/admin/notify/smsmessage/{message.pk}/change/"):
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200
        assert PHONE not in html
        assert "292108" not in html
        assert "138****5678" in html


def test_no_model_admin_shows_an_encrypted_field(city, staff):
    request = RequestFactory().get("/admin/")
    request.user = superuser(staff)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        encrypted = {f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)}
        if not encrypted:
            continue
        checked += 1
        shown = {
            *model_admin.get_fields(request),
            *model_admin.get_list_display(request),
            *model_admin.get_search_fields(request),
            *model_admin.get_list_filter(request),
        }
        assert not encrypted & {str(name) for name in shown}, (model, encrypted & shown)
    assert checked >= 2  # SMS messages and TOTP devices at least
