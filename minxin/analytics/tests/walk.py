"""Walking requests through the real services at chosen moments, for the analytics tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from minxin.accounts.models import User
from minxin.core import clock
from minxin.org.models import Category
from minxin.supervision.records import Period
from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment in city time; the clock is frozen there."""
    moment = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))
    clock.freeze(moment)
    return moment


def submit(
    city: dict, *, kind: str = "complaint", district: str = "heping", channel: str = "web"
) -> Ticket:
    data = Submission(
        request_type=kind,
        title="小区电梯故障",
        content="三号楼电梯停运一周无人维修",
        district_id=city["units"][district].pk,
        channel=channel,
    )
    return ticket_submit(data=data, actor=Actor())[0]


def staff(users: dict[str, User], name: str) -> Actor:
    return Actor.staff(users[name])


def accept(t: Ticket, users: dict[str, User], category: str = "物业管理") -> None:
    category_id = Category.objects.get(name=category).pk
    svc.ticket_accept(ticket_id=t.pk, actor=staff(users, "intake"), category_id=category_id)


def dispatch(t: Ticket, users: dict[str, User], unit: str, co: tuple[str, ...] = ()) -> None:
    svc.ticket_dispatch(
        ticket_id=t.pk,
        actor=staff(users, "intake"),
        lead_unit_id=users[unit].unit_id,
        co_unit_ids=[users[c].unit_id for c in co],
    )


def sign(t: Ticket, users: dict[str, User], unit: str) -> None:
    svc.ticket_sign(ticket_id=t.pk, actor=staff(users, unit))


def co_opinion(t: Ticket, users: dict[str, User], unit: str) -> None:
    cohandling.co_part_sign(ticket_id=t.pk, actor=staff(users, unit))
    cohandling.co_part_opinion(ticket_id=t.pk, actor=staff(users, unit), note="已核实现场情况")


def reply_and_approve(t: Ticket, users: dict[str, User], unit: str) -> None:
    reply(t, users, unit)
    approve(t, users)


def reply(t: Ticket, users: dict[str, User], unit: str) -> None:
    svc.ticket_reply(
        ticket_id=t.pk,
        actor=staff(users, unit),
        facts="已现场核实",
        solved=True,
        public_reply="已协调物业修复",
        proceed_reason="协办单位意见稍后补充",
    )


def approve(t: Ticket, users: dict[str, User]) -> None:
    svc.ticket_approve(ticket_id=t.pk, actor=staff(users, "reviewer"))


def rate(t: Ticket, users: dict[str, User], satisfaction: str) -> None:
    svc.ticket_rate(ticket_id=t.pk, actor=staff(users, "callback"), satisfaction=satisfaction)
