"""Pluggable SMS senders, chosen by settings.SMS_SENDER (a dotted path)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("minxin.sms")


class SmsSender(Protocol):
    def send(self, *, phone: str, text: str, key: str) -> None: ...


class RecordingSender:
    """Sends nothing: the message stays in the database (shown on /demo/sms/) and the log."""

    def send(self, *, phone: str, text: str, key: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def get_sender() -> SmsSender:
    return import_string(settings.SMS_SENDER)()
