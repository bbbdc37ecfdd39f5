"""Shared steps for the insight tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit

REPO = Path(__file__).resolve().parents[3]


def shared(name: str) -> Path:
    """A file of the shared real data, or skip the test."""
    folder = Path(os.environ.get("MINXIN_SHARED_DATA") or REPO.parent / "shared" / "data")
    path = folder / name
    if not path.is_file():
        pytest.skip(f"real data not found: {path} (set MINXIN_SHARED_DATA to its folder)")
    return path


def request(
    city: dict,
    title: str,
    content: str,
    *,
    district: str = "heping",
    phone: str | None = None,
    address: str = "",
) -> Ticket:
    data = Submission(
        request_type="complaint",
        title=title,
        content=content,
        category_id=city["category"].pk,
        district_id=city["units"][district].pk,
        address=address,
        anonymous=phone is None,
        name="张三" if phone else "",
    )
    ticket, _ = ticket_submit(data=data, actor=Actor.citizen(phone) if phone else Actor())
    return ticket
