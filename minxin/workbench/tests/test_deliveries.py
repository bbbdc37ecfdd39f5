"""Delivery status of a request's notifications on its page, without the recipient."""

from __future__ import annotations

from minxin.notify.models import EmailMessage, SmsMessage
from minxin.notify.models import Status as Delivery
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff
from minxin.workbench.tests.helpers import as_user, new_ticket

PHONE = "13912345678"


def test_sms_and_email_rows_are_listed_without_phone_or_address(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    sms = SmsMessage.objects.get(ticket=ticket, event="accepted")
    SmsMessage.objects.filter(pk=sms.pk).update(
        status=Delivery.SENT, attempts=2, sent_at=sms.created_at
    )
    EmailMessage.objects.create(
        ticket=ticket,
        idempotency_key="t:mail",
        event="supervision",
        to="chen@example.gov.cn",
        subject="督办通知",
        body="督办",
        attempts=3,
        status=Delivery.FAILED,
    )
    page = as_user(client, staff["intake"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "通知发送情况" in page
    assert "<td>短信</td><td>受理</td>" in page
    assert "已发送" in page
    assert "<td>邮件</td><td>督办</td>" in page
    assert "发送失败" in page
    assert PHONE not in page
    assert "chen@example.gov.cn" not in page
    # Not even the masked number: the contact panel shows that, the delivery panel never.
    panel = page[page.index('id="h-deliveries"') :]
    panel = panel[: panel.index("</section>")]
    assert PHONE[-4:] not in panel


def test_a_request_without_messages_says_so(client, city, staff):
    ticket = new_ticket(city, phone=None)
    page = as_user(client, staff["intake"]).get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert "本诉求尚未产生短信或邮件通知" in page


def test_other_units_cannot_see_the_request_or_its_deliveries(client, city, staff):
    ticket = new_ticket(city, phone=PHONE)
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    assert as_user(client, staff["renshe"]).get(f"/staff/requests/{ticket.pk}/").status_code == 404
