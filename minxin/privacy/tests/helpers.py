"""Personal values distinctive enough to be searched for in a raw database dump."""

from __future__ import annotations

from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit

NAME = "欧阳娜娜"
PHONE = "13987654321"
ADDRESS = "幸福路七十七号三单元"


def submit_real_name(
    city: dict,
    *,
    phone: str = PHONE,
    name: str = NAME,
    address: str = ADDRESS,
    content: str = "楼道灯坏了一个月",
) -> Ticket:
    data = Submission(
        request_type="complaint",
        title="楼道照明",
        content=content,
        category_id=city["category"].pk,
        district_id=city["units"]["heping"].pk,
        address=address,
        anonymous=False,
        name=name,
        latitude="41.796500",
        longitude="123.429100",
    )
    ticket, _ = ticket_submit(data=data, actor=Actor.citizen(phone))
    return ticket
