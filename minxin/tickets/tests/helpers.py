"""Walk a request through the services in tests."""

from __future__ import annotations

from minxin.accounts.models import User
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit


def submit(
    city: dict, *, kind: str = "complaint", phone: str | None = None, title: str = "小区电梯故障"
) -> tuple[Ticket, str | None]:
    actor = Actor.citizen(phone) if phone else Actor()
    data = Submission(
        request_type=kind,
        title=title,
        content="三号楼电梯停运一周无人维修",
        category_id=city["category"].pk,
        anonymous=phone is None,
        name="张三" if phone else "",
        district_id=city["units"]["heping"].pk,
    )
    return ticket_submit(data=data, actor=actor)


def as_staff(user: User) -> Actor:
    return Actor.staff(user)


def to_signed(ticket: Ticket, staff: dict[str, User], unit: str = "zhujian") -> Ticket:
    intake = as_staff(staff["intake"])
    svc.ticket_accept(ticket_id=ticket.pk, actor=intake)
    svc.ticket_dispatch(ticket_id=ticket.pk, actor=intake, lead_unit_id=staff[unit].unit_id)
    return svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff[unit]))
