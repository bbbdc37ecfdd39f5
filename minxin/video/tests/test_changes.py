"""视频接访 moved or cancelled by the centre, with a reason: units and the citizen told, the
step on the timeline, a session already held left as it was (409)."""

from __future__ import annotations

import datetime as dt

import pytest

from minxin.core import clock
from minxin.notify.models import InboxMessage, SmsMessage
from minxin.tickets.actors import Actor
from minxin.tickets.models import TimelineEvent
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.video import changes, services
from minxin.video.models import VideoInvite, VideoSession
from minxin.video.tests.test_video import TEMPLATE, later

PHONE = "13800138000"


@pytest.fixture(autouse=True)
def _provider(settings):
    settings.VIDEO_URL_TEMPLATE = TEMPLATE


@pytest.fixture
def scheduled(city, staff) -> VideoSession:
    ticket, _ = submit(city, phone=PHONE)
    to_signed(ticket, staff)
    video = services.video_request(
        ticket_id=ticket.pk, actor=Actor.citizen(PHONE), reason="需要多部门当面说明"
    )
    units = [staff["zhujian"].unit_id, staff["heping"].unit_id]
    return services.video_schedule(
        user=staff["intake"],
        session_id=video.pk,
        starts_at=clock.now() + dt.timedelta(hours=2),
        unit_ids=units,
    )


def test_the_centre_reschedules_with_a_reason_and_units_confirm_again(client, staff, scheduled):
    services.video_confirm(user=staff["zhujian"], session_id=scheduled.pk)
    client.force_login(staff["intake"])
    page = f"/staff/video/{scheduled.pk}/"
    assert "改期" in client.get(page).content.decode()
    posted = {"starts_at": later(hours=26), "reason": "住建局负责人临时出差"}
    assert client.post(page + "reschedule/", posted).status_code == 302
    video = VideoSession.objects.get()
    assert video.status == "scheduled"
    assert video.starts_at > clock.now() + dt.timedelta(hours=25)
    assert not VideoInvite.objects.exclude(confirmed_at=None).exists()
    step = TimelineEvent.objects.get(action="video_reschedule")
    assert "住建局负责人临时出差" in step.note
    assert not step.public
    told = InboxMessage.objects.filter(event="video_rescheduled")
    assert set(told.values_list("unit_id", flat=True)) == {
        staff["zhujian"].unit_id,
        staff["heping"].unit_id,
    }
    sms = SmsMessage.objects.get(event="video_rescheduled")
    assert sms.phone == PHONE
    assert "住建局负责人临时出差" in sms.text
    # The reminder is for the new time.
    assert services.remind_due(video.starts_at - dt.timedelta(minutes=30)) == 1


def test_the_centre_cancels_with_a_reason_and_the_citizen_may_ask_again(client, staff, scheduled):
    client.force_login(staff["intake"])
    url = f"/staff/video/{scheduled.pk}/cancel/"
    empty = client.post(url, {"reason": " "})
    assert empty.status_code == 422
    assert "请填写原因" in empty.content.decode()
    assert client.post(url, {"reason": "诉求人已撤回"}).status_code == 302
    assert VideoSession.objects.get().status == "cancelled"
    assert "诉求人已撤回" in TimelineEvent.objects.get(action="video_cancel").note
    assert InboxMessage.objects.filter(event="video_cancelled").count() == 2
    assert "诉求人已撤回" in SmsMessage.objects.get(event="video_cancelled").text
    assert client.post(url, {"reason": "再取消一次"}).status_code == 409
    again = services.video_request(
        ticket_id=scheduled.ticket_id, actor=Actor.citizen(PHONE), reason="重新申请"
    )
    assert again.status == "requested"


def test_a_session_already_held_cannot_be_moved_or_cancelled(client, staff, scheduled):
    clock.freeze(scheduled.starts_at + dt.timedelta(hours=1))
    services.video_record(
        user=staff["intake"],
        session_id=scheduled.pk,
        attended_unit_ids=[],
        citizen_attended=True,
        minutes="已说明",
    )
    client.force_login(staff["intake"])
    base = f"/staff/video/{scheduled.pk}/"
    moved = client.post(base + "reschedule/", {"starts_at": later(), "reason": "改时间"})
    cancelled = client.post(base + "cancel/", {"reason": "取消"})
    assert (moved.status_code, cancelled.status_code) == (409, 409)
    assert "已经举行" in cancelled.content.decode()
    assert VideoSession.objects.get().status == "held"
    assert not TimelineEvent.objects.filter(action__in=["video_cancel", "video_reschedule"])
    assert not SmsMessage.objects.filter(event__in=["video_cancelled", "video_rescheduled"])


def test_only_the_centre_changes_a_session(staff, scheduled):
    from minxin.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):  # invited, so it sees the session, but may not
        changes.video_cancel(user=staff["zhujian"], session_id=scheduled.pk, reason="不去了")
    assert VideoSession.objects.get().status == "scheduled"
