"""Duplicate flags (疑似重复, 并案) and risk badges on the intake pages; wrong personas refused."""

from __future__ import annotations

import pytest

from minxin.core import clock
from minxin.risk.models import TicketInsight
from minxin.similar.models import DuplicateFlag
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.tests.helpers import to_signed
from minxin.workbench.insight import row_marks
from minxin.workbench.tests.helpers import as_user, fresh, new_ticket

pytestmark = pytest.mark.django_db


def flagged_pair(city: dict) -> tuple[Ticket, Ticket, DuplicateFlag]:
    """A later request flagged as repeating an earlier one (made by hand: deterministic)."""
    earlier = new_ticket(city, phone=None, title="三号楼电梯停运")
    later = new_ticket(city, phone=None, title="三号楼电梯又停了")
    DuplicateFlag.objects.all().delete()
    flag = DuplicateFlag.objects.create(
        ticket=later, similar_to=earlier, kind="same_matter", score=0.82, created_at=clock.now()
    )
    return earlier, later, flag


def test_intake_sees_the_flag_on_the_row_and_the_page_and_merges(client, city, staff):
    earlier, later, flag = flagged_pair(city)
    as_user(client, staff["intake"])
    home = client.get("/staff/").content.decode()
    assert "疑似重复（同一地点同一事项）" in home
    assert f'href="/staff/requests/{earlier.pk}/">{earlier.display_code}' in home
    page = client.get(f"/staff/requests/{later.pk}/").content.decode()
    assert "本件疑似重复于更早的诉求" in page
    assert "相似度 0.82" in page
    assert f"/staff/duplicates/{flag.pk}/merge/" in page
    assert f"将本件并入 {earlier.display_code}" in page
    assert "不是重复" in page
    response = client.post(
        f"/staff/duplicates/{flag.pk}/merge/", {"note": "同一部电梯", "back": later.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/requests/{later.pk}/"
    merged = fresh(later)
    assert merged.status == Status.MERGED
    assert merged.merged_into_id == earlier.pk
    assert DuplicateFlag.objects.get(pk=flag.pk).resolved
    page = client.get(response["Location"]).content.decode()
    assert "已并案" in page
    assert "本件已并入诉求" in page
    # The earlier request's page names the later one, without buttons once resolved.
    page = client.get(f"/staff/requests/{earlier.pk}/").content.decode()
    assert "更晚提交的诉求疑似重复本件" in page
    assert f"/duplicates/{flag.pk}/merge/" not in page


def test_intake_dismisses_a_flag(client, city, staff):
    _, later, flag = flagged_pair(city)
    as_user(client, staff["admin"])
    response = client.post(f"/staff/duplicates/{flag.pk}/dismiss/", {"back": later.pk})
    assert response.status_code == 302
    assert DuplicateFlag.objects.get(pk=flag.pk).resolved
    assert fresh(later).status == Status.SUBMITTED
    again = client.post(f"/staff/duplicates/{flag.pk}/dismiss/", {"back": later.pk}, follow=True)
    assert "该疑似重复已处理" in again.content.decode()


def test_a_handler_cannot_merge_or_dismiss(client, city, staff):
    earlier, later, flag = flagged_pair(city)
    as_user(client, staff["zhujian"])
    # Outside the handler's unit: the flag reads as not found.
    assert client.post(f"/staff/duplicates/{flag.pk}/merge/").status_code == 404
    # Both in the handler's unit: seen, but merging is intake's work.
    to_signed(earlier, staff)
    to_signed(later, staff)
    page = client.get(f"/staff/requests/{later.pk}/").content.decode()
    assert "本件疑似重复于更早的诉求" in page
    assert f"/duplicates/{flag.pk}/merge/" not in page
    assert client.post(f"/staff/duplicates/{flag.pk}/merge/").status_code == 403
    assert client.post(f"/staff/duplicates/{flag.pk}/dismiss/").status_code == 403
    assert not DuplicateFlag.objects.get(pk=flag.pk).resolved
    assert fresh(later).status != Status.MERGED


def test_anonymous_and_get_are_refused(client, city, staff):
    _, _, flag = flagged_pair(city)
    assert client.post(f"/staff/duplicates/{flag.pk}/merge/").status_code == 302  # to login
    as_user(client, staff["intake"])
    assert client.get(f"/staff/duplicates/{flag.pk}/merge/").status_code == 405
    assert client.post("/staff/duplicates/999999/merge/").status_code == 404


def test_a_high_risk_request_shows_the_badge_and_its_signals(client, city, staff):
    data = Submission(
        request_type="complaint",
        title="楼道煤气泄漏没人管",
        content="我家楼道煤气泄漏好几天了，物业不管，再不处理我就要跳楼了！",
        anonymous=True,
        district_id=city["units"]["heping"].pk,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor())
    insight = TicketInsight.objects.get(ticket=ticket)
    assert insight.risk_level in ("high", "critical")
    badge = "紧急风险" if insight.risk_level == "critical" else "高风险"
    as_user(client, staff["intake"])
    home = client.get("/staff/").content.decode()
    assert badge in home
    page = client.get(f"/staff/requests/{ticket.pk}/").content.decode()
    assert badge in page
    assert "风险研判" in page
    assert "识别到的信号" in page
    assert "“跳楼”" in page
    assert "自伤自杀" in page
    assert "燃气" in page


def test_an_ordinary_request_has_no_row_badge(client, city, staff):
    ticket = new_ticket(city, phone=None)
    as_user(client, staff["intake"])
    assert TicketInsight.objects.get(ticket=ticket).risk_level == "low"
    assert "高风险" not in client.get("/staff/").content.decode()


def test_row_marks_cost_three_queries_for_a_page(city, staff, django_assert_num_queries):
    tickets = [new_ticket(city, phone=None, title=f"第{i}件") for i in range(6)]
    with django_assert_num_queries(3):
        marks = row_marks(staff["intake"], tickets)
    assert set(marks) == {t.pk for t in tickets}


def test_many_flags_on_one_row_are_one_line_per_kind(client, city, staff):
    """A request repeating five others shows one line with three links and the count."""
    earlier = [new_ticket(city, phone=None, title=f"五号楼电梯停运{i}") for i in range(5)]
    later = new_ticket(city, phone=None, title="五号楼电梯又停了")
    DuplicateFlag.objects.all().delete()
    for n, other in enumerate(earlier):
        DuplicateFlag.objects.create(
            ticket=later,
            similar_to=other,
            kind="same_matter",
            score=0.9 - n / 100,
            created_at=clock.now(),
        )
    as_user(client, staff["intake"])
    home = client.get("/staff/").content.decode()
    row = next(r for r in home.split("<tr>") if f'id="pick-{later.pk}"' in r)
    assert row.count("疑似重复（同一地点同一事项）") == 1
    assert "等5件" in row
    shown = [t for t in earlier if f">{t.display_code}</a>" in row]
    assert shown == earlier[:3]  # the three most similar
