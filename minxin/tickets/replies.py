"""The unit's reply (办理结果) and its review: the reply waiting for a decision, and how a
decision is written on it. The state moves stay in the services that call these."""

from __future__ import annotations

import datetime as dt

from minxin.accounts.models import User
from minxin.core import clock
from minxin.core.errors import Conflict
from minxin.org.models import Unit
from minxin.tickets.models import Reply, Ticket


def pending_reply(ticket: Ticket) -> Reply:
    reply = ticket.replies.filter(review=Reply.Review.PENDING).last()
    if reply is None:
        raise Conflict("没有待审核的答复", code="no_pending_reply")
    return reply


def reply_publish(reply: Reply, *, by: User | None, note: str = "") -> dt.datetime:
    """Approve the reply and make it public; returns the moment it was published."""
    now = clock.now()
    reply.review, reply.reviewed_by, reply.review_note = Reply.Review.APPROVED, by, note
    reply.published_at = now
    reply.save(update_fields=["review", "reviewed_by", "review_note", "published_at"])
    return now


def reply_send_back(reply: Reply, *, by: User | None, note: str) -> None:
    reply.review, reply.reviewed_by, reply.review_note = Reply.Review.SENT_BACK, by, note
    reply.save(update_fields=["review", "reviewed_by", "review_note"])


def reply_write(
    ticket: Ticket,
    *,
    by: User,
    unit: Unit | None,
    facts: str,
    solved: bool,
    public_reply: str,
    unsolved_reason: str = "",
    published: bool = False,
) -> Reply:
    """A new reply, to be reviewed; `published` for one the centre gives itself (直接答复)."""
    now = clock.now()
    return Reply.objects.create(
        ticket=ticket,
        unit=unit,
        author=by,
        facts=facts,
        solved=solved,
        unsolved_reason=unsolved_reason,
        public_reply=public_reply,
        created_at=now,
        **(
            {"review": Reply.Review.APPROVED, "reviewed_by": by, "published_at": now}
            if published
            else {}
        ),
    )
