"""Submit real messages as requests, and build a small case library from real replies."""

from __future__ import annotations

from minxin.similar.services import public_cases_import
from minxin.similar.tests.shared_data import messages
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit

REPLIES = "messages-with-replies.csv"


def submit_message(
    city: dict,
    row: dict[str, str],
    *,
    phone: str | None = None,
    district: str = "heping",
    address: str = "",
) -> Ticket:
    """A real message submitted as a complaint, anonymously unless a phone is given."""
    data = Submission(
        request_type="complaint",
        title=row["title"][:100],
        content=row["text"][:5000],
        anonymous=phone is None,
        name="市民" if phone else "",
        address=address,
        district_id=city["units"][district].pk,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor.citizen(phone) if phone else Actor())
    return ticket


def import_replies(n: int) -> list[dict[str, str]]:
    """The first `n` messages with replies, imported as public cases."""
    rows = list(messages(REPLIES)[:n])
    public_cases_import(rows=rows, source="test")
    return rows
