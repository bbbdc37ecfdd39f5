"""Shared steps for the insight tests."""

from __future__ import annotations

from minxin.similar.tests.shared_data import data_file
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit

# A file of the shared real data, or skip the test.
shared = data_file


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
