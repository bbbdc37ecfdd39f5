"""The workbench inbox takes a message of any length (PostgreSQL refuses an over-long one)."""

from __future__ import annotations

import pytest

from minxin.notify.models import InboxMessage
from minxin.notify.services import INBOX_TEXT_MAX, inbox_post

pytestmark = pytest.mark.django_db


def test_a_long_message_is_cut_with_an_ellipsis_and_a_short_one_kept_whole():
    inbox_post(key="long", event="supervision", text="督" * 1200)
    inbox_post(key="short", event="supervision", text="督" * INBOX_TEXT_MAX)
    long, short = (InboxMessage.objects.get(idempotency_key=k).text for k in ("long", "short"))
    assert long == "督" * (INBOX_TEXT_MAX - 1) + "…"
    assert short == "督" * INBOX_TEXT_MAX
