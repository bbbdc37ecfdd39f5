"""Queue pages sort and filter by GET parameters that stay in the URL; critical-risk requests
top every intake list with an alarm; the intake home shows today's new requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from minxin.core import clock
from minxin.risk.models import TicketInsight
from minxin.tickets.models import Channel, Ticket
from minxin.tickets.tests.helpers import submit, to_signed
from minxin.workbench import search
from minxin.workbench.tests.helpers import as_user

pytestmark = pytest.mark.django_db


def _ticket(
    city: dict,
    title: str,
    *,
    kind: str = "complaint",
    risk: str = "low",
    days_ago: int = 0,
    **fields: object,
) -> Ticket:
    ticket, _ = submit(city, kind=kind, title=title)
    TicketInsight.objects.filter(ticket=ticket).update(risk_level=risk)
    # Distinct times, later rows a little earlier; seconds, since on PostgreSQL ids keep
    # growing across the run (minutes of a large id crossed into earlier days).
    moved = clock.now() - dt.timedelta(days=days_ago, seconds=ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=moved, **fields)
    return Ticket.objects.get(pk=ticket.pk)


def _page(client, user, url: str):  # type: ignore[no-untyped-def]
    response = as_user(client, user).get(url)
    return response, response.content.decode()


def _order(html: str, *titles: str) -> list[str]:
    return sorted(titles, key=html.index)


def test_intake_queue_sorts_newest_and_oldest_first(client, city, staff):
    _ticket(city, "三天前的诉求", days_ago=3)
    _ticket(city, "昨天的诉求", days_ago=1)
    _, newest = _page(client, staff["intake"], "/staff/queues/intake/?sort=newest")
    assert _order(newest, "三天前的诉求", "昨天的诉求") == ["昨天的诉求", "三天前的诉求"]
    _, oldest = _page(client, staff["intake"], "/staff/queues/intake/?sort=oldest")
    assert _order(oldest, "三天前的诉求", "昨天的诉求") == ["三天前的诉求", "昨天的诉求"]
    assert '<option value="oldest" selected>' in oldest


def test_deadline_sort_puts_the_nearest_stage_deadline_first(client, city, staff):
    now = clock.now()
    _ticket(city, "后天到期", stage_due_at=now + dt.timedelta(days=2))
    _ticket(city, "明天到期", stage_due_at=now + dt.timedelta(days=1))
    _ticket(city, "没有环节期限", stage_due_at=None)
    _, html = _page(client, staff["intake"], "/staff/queues/intake/?sort=deadline")
    assert _order(html, "后天到期", "明天到期", "没有环节期限") == [
        "明天到期",
        "后天到期",
        "没有环节期限",
    ]


def test_risk_sort_ranks_critical_high_medium_then_the_rest(client, city, staff):
    for title, level in (
        ("低风险诉求", "low"),
        ("中风险诉求", "medium"),
        ("高风险诉求", "high"),
        ("紧急风险诉求", "critical"),
    ):
        to_signed(_ticket(city, title, risk=level), staff)
    _, html = _page(client, staff["supervisor"], "/staff/queues/overdue/?sort=risk")
    assert "暂无" in html  # nothing overdue yet: the sort narrows nothing
    _, html = _page(client, staff["zhujian"], "/staff/queues/handling/?sort=risk")
    assert _order(html, "低风险诉求", "中风险诉求", "高风险诉求", "紧急风险诉求") == [
        "紧急风险诉求",
        "高风险诉求",
        "中风险诉求",
        "低风险诉求",
    ]


def test_filters_narrow_by_type_district_channel_risk_and_overdue(client, city, staff):
    now = clock.now()
    _ticket(city, "一件咨询", kind="consultation")
    _ticket(city, "电话来的投诉", channel=Channel.PHONE)
    _ticket(city, "沈河区的投诉", district=city["units"]["shenhe"])
    _ticket(city, "高风险的投诉", risk="high")
    _ticket(city, "超期的投诉", stage_due_at=now - dt.timedelta(hours=2))
    titles = ["一件咨询", "电话来的投诉", "沈河区的投诉", "高风险的投诉", "超期的投诉"]
    shenhe = city["units"]["shenhe"].pk
    for query, expected in (
        ("type=consultation", "一件咨询"),
        ("channel=phone", "电话来的投诉"),
        (f"district={shenhe}", "沈河区的投诉"),
        ("risk=high", "高风险的投诉"),
        ("overdue=on", "超期的投诉"),
    ):
        _, html = _page(client, staff["intake"], f"/staff/queues/intake/?{query}")
        listed = [t for t in titles if t in html]
        assert listed == [expected], (query, listed)
        assert "符合条件1件" in html, query


def test_category_filter_includes_the_categorys_children(client, city, staff):
    child = city["category"]
    _ticket(city, "物业的诉求", category=child)
    _ticket(city, "没分类的诉求", category=None)
    _, html = _page(client, staff["intake"], f"/staff/queues/intake/?category={child.parent_id}")
    assert "物业的诉求" in html
    assert "没分类的诉求" not in html


def test_a_list_on_one_page_is_split_by_type_and_risk(client, city, staff, monkeypatch):
    _ticket(city, "咨询一", kind="consultation")
    _ticket(city, "投诉一", risk="critical")
    _ticket(city, "投诉二")
    _, html = _page(client, staff["intake"], "/staff/queues/intake/")
    breakdown = html[html.index('id="breakdown"') :]
    breakdown = breakdown[: breakdown.index("</p>")]
    monkeypatch.setattr(search, "PAGE_SIZE", 2)  # a list longer than its page: no split
    _, html = _page(client, staff["intake"], "/staff/queues/intake/")
    assert 'id="breakdown"' not in html
    assert "咨询 1件" in breakdown
    assert "投诉 2件" in breakdown
    assert "紧急风险 1件" in breakdown
    assert "低" not in breakdown


def test_the_pager_keeps_the_sort_and_filters(client, city, staff, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 1)
    _ticket(city, "第一件")
    _ticket(city, "第二件")
    _, html = _page(client, staff["intake"], "/staff/queues/intake/?sort=oldest&type=complaint")
    assert 'href="?sort=oldest&amp;type=complaint&amp;page=2"' in html
    _, second = _page(
        client, staff["intake"], "/staff/queues/intake/?sort=oldest&type=complaint&page=2"
    )
    assert "第一件" in second
    assert "第二件" not in second


@pytest.mark.parametrize(
    "query",
    [
        "sort=sideways",
        "risk=extreme",
        "district=abc",
        "overdue=maybe",
        "channel=fax",
        "category=-1",
    ],
)
def test_a_bad_choice_is_refused_with_a_message_and_lists_nothing(client, city, staff, query):
    _ticket(city, "任何一件")
    response, html = _page(client, staff["intake"], f"/staff/queues/intake/?{query}")
    assert response.status_code == 400
    assert "的取值无效" in html
    assert 'role="alert"' in html
    assert "任何一件" not in html


def test_critical_requests_top_the_intake_queue_with_an_alarm_whatever_the_sort(
    client, city, staff
):
    _ticket(city, "燃气泄漏很危险", risk="critical", days_ago=5)
    _ticket(city, "新来的普通诉求")
    for sort in ("", "newest", "deadline"):
        _, html = _page(client, staff["intake"], f"/staff/queues/intake/?sort={sort}")
        assert _order(html, "燃气泄漏很危险", "新来的普通诉求")[0] == "燃气泄漏很危险", sort
        assert '<p class="msg msg-alarm" role="alert"><strong>紧急：</strong>本页有1件' in html
        row = html[html.rindex("<tr", 0, html.index("燃气泄漏很危险")) :]
        assert row.startswith('<tr class="row-alarm">')
        assert "紧急</strong>" in row[: row.index("</tr>")]  # words, not colour alone


def test_a_plain_list_has_no_alarm(client, city, staff):
    _ticket(city, "普通诉求")
    _, html = _page(client, staff["intake"], "/staff/queues/intake/")
    assert "msg-alarm" not in html
    assert "row-alarm" not in html


def test_intake_home_shows_todays_new_requests_risk_first_then_deadline(client, city, staff):
    # At noon, city time: "today" is not cut short by a run just after midnight.
    clock.freeze(timezone.make_aware(dt.datetime.combine(clock.today(), dt.time(12))))
    now = clock.now()
    _ticket(city, "上周的旧诉求", days_ago=7)
    _ticket(city, "今天的普通诉求甲", stage_due_at=now + dt.timedelta(hours=5))
    _ticket(city, "今天的普通诉求乙", stage_due_at=now + dt.timedelta(hours=3))
    _ticket(city, "今天的高风险诉求", risk="high", stage_due_at=now + dt.timedelta(hours=9))
    _, html = _page(client, staff["intake"], "/staff/")
    today = html[html.index('id="sec-today"') :]
    today = today[: today.index("</section>")]
    assert "上周的旧诉求" not in today
    assert _order(today, "今天的普通诉求甲", "今天的普通诉求乙", "今天的高风险诉求") == [
        "今天的高风险诉求",
        "今天的普通诉求乙",
        "今天的普通诉求甲",
    ]
    assert "3件" in today
    assert 'href="/staff/queues/intake/"' in today
    _, queue = _page(client, staff["intake"], "/staff/queues/intake/")
    assert "上周的旧诉求" in queue


def test_a_units_queue_filters_only_its_own_requests(client, city, staff):
    to_signed(_ticket(city, "住建局办理的诉求"), staff, unit="zhujian")
    _, own = _page(client, staff["zhujian"], "/staff/queues/handling/?type=complaint")
    assert "住建局办理的诉求" in own
    client.logout()
    _, other = _page(client, staff["renshe"], "/staff/queues/handling/?type=complaint")
    assert "住建局办理的诉求" not in other
