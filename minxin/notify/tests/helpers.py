"""Reading a verification code back in tests, the way the citizen's phone would."""

from __future__ import annotations

import re

from minxin.notify.models import SECRET_MASK, SmsMessage
from minxin.notify.tests.phones import received


def last_sms_text(phone: str) -> str:
    """The newest text for this phone as the phone gets it: from the recording sender once
    delivered (the stored row is masked by then; `phones.LocmemSender` kept it), else the queued row with its secret."""
    message = SmsMessage.objects.filter(phone=phone).latest("id")
    if message.secret:
        return message.text.replace(SECRET_MASK, message.secret, 1)
    return received(phone)


def last_sms_code(phone: str) -> str:
    return re.search(r"验证码是(\d{6})", last_sms_text(phone)).group(1)
