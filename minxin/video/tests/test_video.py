"""视频接访: the citizen asks, the centre schedules with several units, each confirms, the worker
reminds, the centre records attendance and minutes onto the request's timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from minxin.accounts.models import User
from minxin.core import clock
from minxin.notify.models import InboxMessage, SmsMessage
from minxin.tickets.actors import Actor
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.video import services
from minxin.video.models import VideoInvite, VideoSession

TEMPLATE = "https://meet.example.gov.cn/minxin-{session}-{token}"


@pytest.fixture(autouse=True)
def _provider(settings):
    settings.VIDEO_URL_TEMPLATE = TEMPLATE
    settings.VIDEO_REMIND_MINUTES = 60


@pytest.fixture
def ticket(city, staff):
    ticket, _ = submit(city, phone="13800138000")
    return to_signed(ticket, staff)


def prove(client, city) -> tuple:
    """An anonymous request whose code and password this browser has proved."""
    ticket, password = submit(city)
    response = client.post("/track/", {"tracking_code": ticket.tracking_code, "password": password})
    assert response.status_code == 302
    return ticket, password


def later(hours: int = 2) -> str:
    moment = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_a_citizen_who_proved_the_request_asks_for_a_session(client, city):
    ticket, _ = prove(client, city)
    page = client.get(f"/video/{ticket.tracking_code}/")
    assert "申请视频接访" in page.content.decode()
    response = client.post(f"/video/{ticket.tracking_code}/", {"reason": "涉及住建和城管两个部门"})
    assert response.status_code == 302
    video = VideoSession.objects.get(ticket=ticket)
    assert video.status == "requested"
    assert TimelineEvent.objects.filter(ticket=ticket, action="video_request").exists()
    again = client.post(f"/video/{ticket.tracking_code}/", {"reason": "再申请一次"})
    assert again.status_code == 409
    assert VideoSession.objects.count() == 1


def test_without_proof_the_visitor_is_sent_to_prove_it_and_nothing_changes(client, city):
    ticket, _ = submit(city)
    response = client.post(f"/video/{ticket.tracking_code}/", {"reason": "想视频"})
    assert response.status_code == 302
    assert response["Location"].startswith("/track/?code=")
    assert not VideoSession.objects.exists()


def test_a_request_that_does_not_exist_is_a_404(client, city):
    prove(client, city)
    assert client.post("/video/ZZZZZZZZ/", {"reason": "想视频"}).status_code in (302, 404)
    client.force_login(User.objects.get(username="intake"))
    assert client.post("/staff/video/999999/schedule/", {"starts_at": later()}).status_code == 404
    assert not VideoSession.objects.exists()


def _asked(ticket) -> VideoSession:
    return services.video_request(
        ticket_id=ticket.pk, actor=Actor.citizen("13800138000"), reason="需要多部门当面说明"
    )


def test_the_centre_schedules_units_confirm_and_the_link_reaches_the_citizen(client, staff, ticket):
    video = _asked(ticket)
    client.force_login(staff["intake"])
    units = [staff["zhujian"].unit_id, staff["heping"].unit_id]
    response = client.post(
        f"/staff/video/{video.pk}/schedule/", {"starts_at": later(), "units": units}
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.status == "scheduled"
    assert video.link == TEMPLATE.format(session=video.pk, token=video.token)
    assert len(video.token) == 16
    assert set(
        InboxMessage.objects.filter(event="video_invited").values_list("unit_id", flat=True)
    ) == set(units)
    assert SmsMessage.objects.filter(event="video_scheduled", phone="13800138000").exists()

    client.force_login(staff["jiaoyu"])  # not invited
    assert client.post(f"/staff/video/{video.pk}/confirm/").status_code == 404
    client.force_login(staff["zhujian"])
    assert "确认参加" in client.get(f"/staff/video/{video.pk}/").content.decode()
    assert client.post(f"/staff/video/{video.pk}/confirm/").status_code == 302
    assert client.post(f"/staff/video/{video.pk}/confirm/").status_code == 409
    assert not video.all_confirmed
    client.force_login(staff["heping_head"])
    client.post(f"/staff/video/{video.pk}/confirm/")
    assert VideoSession.objects.get(pk=video.pk).all_confirmed
    assert TimelineEvent.objects.filter(ticket=ticket, action="video_confirm").count() == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"starts_at": "2020-01-01T09:00"}, "开始时间必须晚于现在"),
        ({"starts_at": "not a time"}, "请填写开始时间"),
        ({"units_twice": True}, "同一单位不能重复邀请"),
        ({"no_units": True}, "请至少邀请一个单位"),
    ],
)
def test_bad_schedules_are_refused_and_nothing_changes(client, staff, ticket, data, code):
    video = _asked(ticket)
    client.force_login(staff["intake"])
    unit = staff["zhujian"].unit_id
    units = [] if "no_units" in data else [unit, unit] if "units_twice" in data else [unit]
    posted = {"starts_at": data.get("starts_at", later()), "units": units}
    response = client.post(f"/staff/video/{video.pk}/schedule/", posted)
    assert response.status_code == 422
    assert code in response.content.decode()
    video.refresh_from_db()
    assert video.status == "requested"
    assert not VideoInvite.objects.exists()
    assert not TimelineEvent.objects.filter(action="video_schedule").exists()


def test_a_unit_invited_twice_later_is_a_409(client, staff, ticket):
    video = _asked(ticket)
    client.force_login(staff["intake"])
    client.post(
        f"/staff/video/{video.pk}/schedule/",
        {"starts_at": later(), "units": [staff["zhujian"].unit_id]},
    )
    again = client.post(f"/staff/video/{video.pk}/invite/", {"unit": staff["zhujian"].unit_id})
    assert again.status_code == 409
    assert "不能重复邀请" in again.content.decode()
    assert VideoInvite.objects.count() == 1
    more = client.post(f"/staff/video/{video.pk}/invite/", {"unit": staff["heping"].unit_id})
    assert more.status_code == 302
    assert VideoInvite.objects.count() == 2


def test_only_the_centre_schedules(client, staff, ticket):
    video = _asked(ticket)
    client.force_login(staff["zhujian"])  # not invited yet: it cannot even see the session
    response = client.post(
        f"/staff/video/{video.pk}/schedule/",
        {"starts_at": later(), "units": [staff["zhujian"].unit_id]},
    )
    assert response.status_code == 404
    assert VideoSession.objects.get().status == "requested"


def test_an_unconfigured_provider_refuses_to_schedule(client, staff, ticket, settings):
    settings.VIDEO_URL_TEMPLATE = ""
    video = _asked(ticket)
    client.force_login(staff["intake"])
    response = client.post(
        f"/staff/video/{video.pk}/schedule/",
        {"starts_at": later(), "units": [staff["zhujian"].unit_id]},
    )
    assert response.status_code == 409
    assert "MINXIN_VIDEO_URL_TEMPLATE" in response.content.decode()


def test_the_worker_reminds_once_shortly_before(staff, ticket):
    video = _asked(ticket)
    start = clock.now() + dt.timedelta(hours=3)
    services.video_schedule(
        user=staff["intake"],
        session_id=video.pk,
        starts_at=start,
        unit_ids=[staff["zhujian"].unit_id],
    )
    assert services.remind_due() == 0  # three hours ahead: not yet
    assert services.remind_due(start - dt.timedelta(minutes=30)) == 1
    assert services.remind_due(start - dt.timedelta(minutes=20)) == 0  # already reminded
    sms = SmsMessage.objects.get(event="video_reminder")
    video.refresh_from_db()
    assert video.link in sms.text
    unit_note = InboxMessage.objects.get(event="video_reminder")
    assert unit_note.unit_id == staff["zhujian"].unit_id
    assert video.link in unit_note.text


def test_attendance_and_minutes_land_on_the_timeline(client, staff, ticket):
    video = _asked(ticket)
    start = clock.now() + dt.timedelta(hours=1)
    units = [staff["zhujian"].unit_id, staff["heping"].unit_id]
    services.video_schedule(
        user=staff["intake"], session_id=video.pk, starts_at=start, unit_ids=units
    )
    client.force_login(staff["intake"])
    early = {"attended": [units[0]], "citizen_attended": "yes", "minutes": "双方达成一致"}
    assert client.post(f"/staff/video/{video.pk}/record/", early).status_code == 409
    clock.freeze(start + dt.timedelta(hours=1))
    assert (
        client.post(f"/staff/video/{video.pk}/record/", {**early, "minutes": " "}).status_code
        == 422
    )
    assert client.post(f"/staff/video/{video.pk}/record/", early).status_code == 302
    event = TimelineEvent.objects.get(ticket=ticket, action="video_held")
    assert "参加：诉求人、" in event.note
    assert staff["zhujian"].unit.name in event.note
    assert f"未参加：{staff['heping'].unit.name}" in event.note
    assert "纪要：双方达成一致" in event.note
    assert VideoSession.objects.get().status == "held"
