"""Requests of the demo city walked through the real services."""

from __future__ import annotations

from minxin.accounts.models import User
from minxin.org.models import Category
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Satisfaction, Ticket
from minxin.tickets.submission import Submission, ticket_submit

PHONE = "13800002222"


def category(path: str) -> Category:
    top, _, name = path.partition("/")
    return Category.objects.get(name=name, parent__name=top)


def submit(
    city: dict,
    title: str,
    content: str,
    *,
    path: str | None = None,
    district: str | None = "heping",
) -> Ticket:
    data = Submission(
        request_type="complaint",
        title=title,
        content=content,
        category_id=category(path).pk if path else None,
        anonymous=False,
        name="张三",
        district_id=city["units"][district].pk if district else None,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor.citizen(PHONE))
    return ticket


def dispatch(ticket: Ticket, staff: dict[str, User], unit: str, path: str | None = None) -> None:
    intake = Actor.staff(staff["intake"])
    svc.ticket_accept(
        ticket_id=ticket.pk, actor=intake, category_id=category(path).pk if path else None
    )
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff[unit].unit_id)


def close(ticket: Ticket, staff: dict[str, User], unit: str) -> Ticket:
    """From dispatched to closed: sign, reply, approve, the citizen is satisfied."""
    handler = Actor.staff(staff[unit])
    svc.ticket_sign(ticket_id=ticket.pk, actor=handler)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=handler,
        facts="已现场核实",
        solved=True,
        public_reply="已处理完毕",
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=Actor.staff(staff["reviewer"]))
    return svc.ticket_rate(
        ticket_id=ticket.pk, actor=Actor.citizen(PHONE), satisfaction=Satisfaction.SATISFIED
    )
