"""Verification codes are never stored readable: the text holds a mask, the code waits
encrypted until delivery and is then blanked; only the demo's phone shows it."""

from __future__ import annotations

import pytest
from django.db import connection

from minxin.identity.services import sms_code_request
from minxin.notify.models import DeliveryReceipt, SmsMessage, Status
from minxin.notify.tests.helpers import last_sms_code

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def raw_rows() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, secret, status FROM notify_smsmessage")
        return cursor.fetchall()


def test_a_code_is_never_readable_in_the_database(django_capture_on_commit_callbacks):
    # Finding 7: notify_smsmessage.text kept "您的验证码是292108…" after sending.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        sms_code_request(phone=PHONE, ip="10.0.0.1")
    code = last_sms_code(PHONE)
    [(text, secret, status)] = raw_rows()
    assert code not in text
    assert "******" in text
    assert secret.startswith("$SM4$")
    assert code not in secret
    for callback in queued:  # the worker delivers it
        callback()
    [(text, secret, status)] = raw_rows()
    assert status == Status.SENT
    assert secret == ""
    assert code not in text
    assert last_sms_code(PHONE) == code  # the phone got the real code
    assert DeliveryReceipt.objects.get().text == ""  # not the demo: not kept anywhere


def test_the_demo_phone_shows_the_code(client, settings, django_capture_on_commit_callbacks):
    settings.DEMO_MODE = True
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(phone=PHONE, ip=None)
    code = last_sms_code(PHONE)
    html = client.get("/demo/sms/").content.decode()
    assert f"验证码是{code}" in html
    assert "139****5678" in html
    assert code not in SmsMessage.objects.get().text


def test_a_message_that_finally_fails_forgets_its_code(monkeypatch):
    from minxin.notify import services

    monkeypatch.setattr(services, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(services, "_send", lambda *a: (_ for _ in ()).throw(OSError("down")))
    sms_code_request(phone=PHONE, ip=None)
    message = SmsMessage.objects.get()
    assert not services.deliver("sms", message.pk)
    [(text, secret, status)] = raw_rows()
    assert status == Status.FAILED
    assert secret == ""
