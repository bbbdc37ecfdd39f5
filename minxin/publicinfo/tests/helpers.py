"""A closed request to nominate, with personal data in its texts."""

from __future__ import annotations

from minxin.accounts.models import User
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.tests.helpers import to_signed

CONTENT = "我住文化路12号3栋2单元501室，楼下烧烤店每晚噪音到凌晨，我叫张伟，电话13812345678。"
FACTS = "经和平区城管执法中队现场核查，烧烤店确有夜间噪声扰民，联系人：邹军建，电话0731-88886666。"
REPLY = "已责令烧烤店22点后停止露天经营并加装隔音设施，如仍有问题请拨打12345热线。"


def closed_ticket(
    city: dict, staff: dict[str, User], *, title: str = "楼下烧烤店夜间噪音扰民"
) -> Ticket:
    data = Submission(
        request_type="complaint",
        title=title,
        content=CONTENT,
        category_id=city["category"].pk,
        anonymous=True,
        district_id=city["units"]["heping"].pk,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor())
    to_signed(ticket, staff)
    handler = Actor.staff(staff["zhujian"])
    svc.ticket_reply(
        ticket_id=ticket.pk, actor=handler, facts=FACTS, solved=True, public_reply=REPLY
    )
    svc.ticket_approve(ticket_id=ticket.pk, actor=Actor.staff(staff["reviewer"]))
    return svc.ticket_rate(
        ticket_id=ticket.pk, actor=Actor.staff(staff["callback"]), satisfaction="satisfied"
    )


def guide_data(unit_id: int, **extra: object) -> dict[str, object]:
    return {
        "title": "居住证办理",
        "unit": unit_id,
        "summary": "在本市居住半年以上的非本市户籍人员",
        "materials": "居民身份证\n近期一寸照片\n居住证明",
        "steps": "到社区警务室申报\n提交材料\n15个工作日后领取",
        "fees": "不收费",
        "time_limit": "15个工作日",
        "office": "各派出所户籍窗口",
        "hours": "工作日 9:00-17:00",
        "contact": "12345",
        "published": "on",
        **extra,
    }
