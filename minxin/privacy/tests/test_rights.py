"""个人信息保护法: a verified phone can export its data and have it erased; old closed
requests lose their personal data after the retention period. The chain stays intact."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from minxin.audit.verify import chain_verify
from minxin.core import clock
from minxin.core.errors import PermissionDenied
from minxin.identity.models import SmsCode
from minxin.identity.services import sms_code_request
from minxin.notify.models import SmsMessage
from minxin.privacy.services import (
    personal_data_erase,
    personal_data_export,
    personal_data_purge,
    scrub,
)
from minxin.privacy.tests.helpers import ADDRESS, NAME, PHONE, submit_real_name
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket, TimelineEvent
from minxin.tickets.tests.helpers import as_staff

pytestmark = pytest.mark.django_db
OTHER = "13711112222"


def test_export_holds_the_phones_requests_and_messages_only(city, staff):
    mine = submit_real_name(city)
    submit_real_name(city, phone=OTHER, name="李四")
    svc.ticket_accept(ticket_id=mine.pk, actor=as_staff(staff["intake"]))
    data = personal_data_export(actor=Actor.citizen(PHONE))
    json.dumps(data, ensure_ascii=False)  # serialisable as it is
    assert data["phone"] == PHONE
    assert len(data["requests"]) == 1
    request = data["requests"][0]
    assert (request["name"], request["phone"], request["address"]) == (NAME, PHONE, ADDRESS)
    assert request["tracking_code"] == mine.display_code
    assert [e["action"] for e in request["timeline"]] == ["submit", "accept"]
    assert len(data["messages"]) == SmsMessage.objects.filter(phone=PHONE).count() >= 1
    assert "李四" not in json.dumps(data, ensure_ascii=False)


def test_export_and_erase_need_a_verified_phone(city):
    with pytest.raises(PermissionDenied):
        personal_data_export(actor=Actor())
    with pytest.raises(PermissionDenied):
        personal_data_erase(actor=Actor.code_holder("ABC"))


def test_erase_keeps_the_anonymised_request_and_an_intact_chain(city, staff):
    ticket = submit_real_name(city, content=f"请回电{PHONE}，身份证110101199003071234")
    other = submit_real_name(city, phone=OTHER, name="李四")
    svc.ticket_accept(ticket_id=ticket.pk, actor=as_staff(staff["intake"]))
    assert SmsMessage.objects.filter(phone=PHONE).exists()

    result = personal_data_erase(actor=Actor.citizen(PHONE))

    assert result["requests"] == 1
    assert result["messages"] >= 1
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.submitter_name, ticket.submitter_phone, ticket.address) == ("", "", "")
    assert ticket.submitter_phone_index == ""
    assert ticket.latitude is None
    assert ticket.title == "楼道照明"
    assert ticket.status == "accepted"
    assert PHONE not in ticket.content
    assert "110101199003071234" not in ticket.content
    assert "139****4321" in ticket.content
    assert not SmsMessage.objects.filter(phone=PHONE).exists()
    assert TimelineEvent.objects.filter(ticket=ticket, action="erase_personal_data").exists()
    assert Ticket.objects.get(pk=other.pk).submitter_phone == OTHER
    assert personal_data_export(actor=Actor.citizen(PHONE))["requests"] == []
    report = chain_verify()
    assert report.ok, report.problems


def test_scrub_masks_phones_and_removes_id_numbers():
    assert scrub("电话13912345678或+86 13912345678") == "电话139****5678或139****5678"
    assert scrub("身份证11010119900307123X号") == "身份证[身份证号已删除]号"
    assert scrub("订单号123456789012345678901") == "订单号123456789012345678901"


def _closed_ticket(city, staff, *, phone: str, days_ago: int) -> Ticket:
    clock.freeze(timezone.now() - dt.timedelta(days=days_ago))
    ticket = submit_real_name(city, phone=phone)
    svc.ticket_reject(ticket_id=ticket.pk, actor=as_staff(staff["intake"]), reason="重复诉求")
    clock.freeze(None)
    return ticket


def test_purge_removes_personal_data_past_retention_only(city, staff, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 365
    old = _closed_ticket(city, staff, phone=PHONE, days_ago=400)
    recent = _closed_ticket(city, staff, phone=OTHER, days_ago=30)
    clock.freeze(timezone.now() - dt.timedelta(days=400))
    still_open = submit_real_name(city, phone="13633334444")
    clock.freeze(None)

    assert personal_data_purge() == 1  # a dry run by default
    assert Ticket.objects.get(pk=old.pk).submitter_phone == PHONE
    assert personal_data_purge(commit=True) == 1
    assert Ticket.objects.get(pk=old.pk).submitter_phone == ""
    assert Ticket.objects.get(pk=recent.pk).submitter_phone == OTHER
    assert Ticket.objects.get(pk=still_open.pk).submitter_phone == "13633334444"
    assert personal_data_purge(commit=True) == 0
    assert personal_data_purge(older_than_days=7, commit=True) == 1
    assert chain_verify().ok


def test_purge_command_is_a_dry_run_unless_committed(city, staff):
    _closed_ticket(city, staff, phone=PHONE, days_ago=20)
    clock.freeze(timezone.now() - dt.timedelta(days=2))
    sms_code_request(phone=OTHER, ip="10.0.0.9")
    clock.freeze(None)
    out = io.StringIO()
    call_command("privacy", "purge", "--older-than-days", "10", stdout=out)
    assert "would anonymise 1 requests" in out.getvalue()
    assert "1 old SMS codes" in out.getvalue()
    assert SmsCode.objects.count() == 1
    call_command("privacy", "purge", "--older-than-days", "10", "--commit", stdout=out)
    assert "anonymised 1 requests" in out.getvalue()
    assert not SmsCode.objects.exists()
    assert not Ticket.objects.exclude(submitter_phone="").exists()


def test_the_hourly_task_applies_the_retention_periods(city, staff, settings):
    from minxin.privacy.tasks import purge_hourly

    settings.PERSONAL_DATA_RETENTION_DAYS = 10
    _closed_ticket(city, staff, phone=PHONE, days_ago=20)
    assert purge_hourly.call_local() == (1, 0, 0)
    assert purge_hourly.call_local() == (0, 0, 0)
