"""SMS codes expire, are single-use and are rate limited per phone and per IP."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from minxin.core import clock
from minxin.core.errors import PermissionDenied, RateLimited, ValidationFailed
from minxin.identity.services import citizen_token_phone, sms_code_request, sms_code_verify
from minxin.notify.models import SmsMessage
from minxin.notify.tests.helpers import last_sms_text

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def last_code(phone: str = PHONE) -> str:
    text = last_sms_text(phone)
    return re.search(r"验证码是(\d{6})", text).group(1)


def test_a_code_verifies_once_and_yields_a_token(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(phone=PHONE, ip="10.0.0.1")
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT
    token = sms_code_verify(phone=PHONE, code=last_code())
    assert citizen_token_phone(token) == PHONE
    with pytest.raises(PermissionDenied):
        sms_code_verify(phone=PHONE, code=last_code())


def test_codes_expire():
    sms_code_request(phone=PHONE, ip=None)
    clock.freeze(clock.now() + dt.timedelta(minutes=6))
    with pytest.raises(PermissionDenied):
        sms_code_verify(phone=PHONE, code=last_code())


def test_wrong_codes_burn_the_code_after_five_tries():
    sms_code_request(phone=PHONE, ip=None)
    good = last_code()
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            sms_code_verify(phone=PHONE, code="000000" if good != "000000" else "111111")
    with pytest.raises(PermissionDenied):
        sms_code_verify(phone=PHONE, code=good)


def test_requests_are_limited_per_phone_and_per_ip(settings):
    sms_code_request(phone=PHONE, ip="10.0.0.2")
    with pytest.raises(RateLimited):
        sms_code_request(phone=PHONE, ip="10.0.0.2")
    settings.SMS_CODE_MAX_PER_IP_PER_HOUR = 3
    for i in range(2):
        sms_code_request(phone=f"1381111000{i}", ip="10.0.0.2")
    with pytest.raises(RateLimited) as error:
        sms_code_request(phone="13811110009", ip="10.0.0.2")
    assert error.value.code == "sms_ip_limit"


def test_a_bad_phone_gets_a_chinese_message():
    with pytest.raises(ValidationFailed) as error:
        sms_code_request(phone="12345", ip=None)
    assert "手机号" in error.value.message


def test_a_forged_token_is_refused():
    assert citizen_token_phone("not-a-token") is None
