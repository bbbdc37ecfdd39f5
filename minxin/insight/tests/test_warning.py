import datetime as dt

from django.core.management import call_command

from minxin.core import clock
from minxin.insight.hotspots import snapshot_take
from minxin.insight.models import DemandForecast, InsightAlert, TopicSnapshot, WarningSettings
from minxin.insight.tests.helpers import request
from minxin.insight.warning import warnings_raise
from minxin.notify.models import InboxMessage
from minxin.risk.models import TicketInsight

NOISE = "小区楼下烧烤店油烟很大，晚上噪音扰民到凌晨，居民无法正常休息，请城管部门处理"


def group_of(city: dict, n: int, *, address: str = "和平区南湖街道文化路12号") -> list[int]:
    """N citizens write about one matter at one address. Their analysis at submission is
    taken away, as when it failed: the risk check then never saw the group, and this sweep
    is what finds it."""
    ids = [
        request(city, f"烧烤店油烟噪音扰民{i}", NOISE, phone=f"1380000{i:04d}", address=address).pk
        for i in range(n)
    ]
    TicketInsight.objects.filter(ticket_id__in=ids).delete()
    return ids


def supervisor_messages(staff: dict) -> list[InboxMessage]:
    return list(
        InboxMessage.objects.filter(
            user=staff["supervisor"], idempotency_key__startswith="insight:"
        )
    )


def test_a_group_request_alerts_the_supervisors_once(city, staff):
    ids = group_of(city, 5)
    raised = warnings_raise()

    assert [a.kind for a in raised] == [InsightAlert.Kind.GROUP]
    alert = raised[0]
    assert alert.ticket_ids == ids
    assert alert.district.code == "heping"
    assert "5件" in alert.summary
    assert len(supervisor_messages(staff)) == 1
    assert warnings_raise() == []  # the same group is not alerted again
    assert len(supervisor_messages(staff)) == 1


def test_different_addresses_are_not_one_group(city, staff):
    group_of(city, 3, address="和平区南湖街道文化路12号")
    group_of(city, 3, address="沈河区北站路88号万达广场")
    assert warnings_raise() == []


def test_the_thresholds_are_the_admins(city, staff):
    group_of(city, 3)
    assert warnings_raise() == []
    WarningSettings.objects.create(group_min_size=3)
    assert [a.kind for a in warnings_raise()] == [InsightAlert.Kind.GROUP]


def test_one_citizen_writing_five_times_is_not_a_group(city, staff):
    for i in range(5):
        request(city, f"烧烤店油烟噪音扰民{i}", NOISE, phone="13800001234")
    assert warnings_raise() == []


def test_old_requests_are_outside_the_window(city, staff):
    group_of(city, 5)
    clock.freeze(clock.now() + dt.timedelta(hours=49))
    assert warnings_raise() == []


def test_a_new_topic_that_grows_raises_a_trend_alert(city, staff):
    WarningSettings.objects.create(trend_min_size=5, group_min_size=50)
    for i in range(6):
        request(city, f"地铁站出入口施工围挡{i}", f"地铁三号线出入口施工围挡占道，行人通行困难{i}")
    snapshot = snapshot_take()
    assert snapshot.topics
    assert snapshot.topics[0]["size"] == 6
    raised = warnings_raise()
    assert [a.kind for a in raised] == [InsightAlert.Kind.TREND]
    assert "上期0件" in raised[0].summary
    assert len(supervisor_messages(staff)) == 1
    snapshot_take()
    assert warnings_raise() == []  # the same topic an hour later


def test_insight_refresh_does_the_workers_runs_at_once(city, staff, capsys):
    group_of(city, 5)
    call_command("insight-refresh")
    assert "warnings raised: 1" in capsys.readouterr().out
    assert TopicSnapshot.objects.count() == 1
    assert DemandForecast.objects.count() == 1


def test_a_group_the_risk_check_flagged_on_arrival_is_not_alerted_twice(city, staff):
    for i in range(5):
        request(city, f"烧烤店油烟噪音扰民{i}", NOISE, phone=f"1380000{i:04d}")
    assert TicketInsight.objects.filter(signals__has_key="group").exists()  # risk told them
    assert warnings_raise() == []
