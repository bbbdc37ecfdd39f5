"""The tests' phones: a sender that keeps what each phone received, as Django's locmem
email backend keeps `mail.outbox`. The root conftest makes it every test's sender."""

from __future__ import annotations

from typing import ClassVar

from minxin.notify.senders import RecordingSender


class LocmemSender(RecordingSender):
    """The recording sender (a receipt per key), keeping every (phone, text) it sent."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, *, phone: str, text: str, key: str) -> None:
        super().send(phone=phone, text=text, key=key)
        self.outbox.append((phone, text))


def received(phone: str) -> str:
    """The last text this phone received in this test."""
    return next(text for to, text in reversed(LocmemSender.outbox) if to == phone)
