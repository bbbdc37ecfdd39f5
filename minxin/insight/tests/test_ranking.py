import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from minxin.audit.models import ChainEntry
from minxin.core import clock
from minxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from minxin.insight.models import Ranking, RankingWeights
from minxin.insight.ranking import Parts, ranking_compute, ranking_publish, score
from minxin.tickets import services as svc
from minxin.tickets.tests.helpers import as_staff, submit, to_signed

MAY = dt.date(2024, 5, 1)


def close(city: dict, staff: dict, unit: str, day: int, *, reopened: bool = False) -> None:
    """A request the unit closes to satisfaction on May `day`, after one 不满意 if
    `reopened`."""
    clock.freeze(timezone.make_aware(dt.datetime(2024, 5, day, 10)))
    ticket, _ = submit(city, phone="13800001111")
    to_signed(ticket, staff, unit)
    for satisfaction in ["unsatisfied", "satisfied"] if reopened else ["satisfied"]:
        if satisfaction == "satisfied" and reopened:  # 重办: back to the unit to sign again
            svc.ticket_sign(ticket_id=ticket.pk, actor=as_staff(staff[unit]))
        svc.ticket_reply(
            ticket_id=ticket.pk,
            actor=as_staff(staff[unit]),
            facts="已现场核实",
            solved=True,
            public_reply="已处理",
        )
        svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
        actor = as_staff(staff["callback"])
        svc.ticket_rate(ticket_id=ticket.pk, actor=actor, satisfaction=satisfaction)


@pytest.fixture
def may(city, staff) -> None:
    """May 2024: 住建局 and 和平区 close three requests each to satisfaction, but one of
    和平区's was reopened first (不满意, 重办); June is now."""
    RankingWeights.objects.create(min_closed=2, red_count=1, black_count=1)
    for day in (6, 7, 8):
        close(city, staff, "zhujian", day)
        close(city, staff, "heping", day, reopened=day == 8)
    clock.freeze(timezone.make_aware(dt.datetime(2024, 6, 3, 9)))
    call_command("analytics", "rebuild")


def test_score_weighs_the_parts_each_unit_has():
    weights = RankingWeights(on_time=50, satisfaction=50, reopen=0, returns=0, supervision=0)
    full = Parts(1.0, 0.5, 1.0, 1.0, 1.0, None)
    assert score(full, weights) == 75.0
    # No satisfaction figure: the part is left out, not counted as 0.
    assert score(Parts(1.0, None, 1.0, 1.0, 1.0, None), weights) == 100.0
    assert score(Parts(None, None, None, None, None, None), weights) is None


def test_a_month_is_computed_reviewed_published_and_frozen(may, staff):
    ranking = ranking_compute(month=MAY)
    rows = {r.unit.code: r for r in ranking.rows.select_related("unit")}
    assert rows["zhujian"].closed == 3
    assert rows["zhujian"].parts["satisfaction"] == 1.0
    assert rows["zhujian"].listed == "red"
    assert rows["heping"].parts["reopen"] == pytest.approx(2 / 3)
    assert rows["heping"].listed == "black"
    assert rows["heping"].score < rows["zhujian"].score == 100.0
    assert ranking.status == Ranking.Status.DRAFT

    published = ranking_publish(month=MAY, actor=staff["supervisor"])
    assert published.status == Ranking.Status.PUBLISHED
    entry = ChainEntry.objects.get(kind="ranking")
    assert published.digest in entry.payload
    with pytest.raises(Conflict, match="已发布"):
        ranking_compute(month=MAY)
    with pytest.raises(Conflict, match="已发布"):
        ranking_publish(month=MAY, actor=staff["supervisor"])


def test_only_supervisors_publish(may, staff):
    ranking_compute(month=MAY)
    with pytest.raises(PermissionDenied):
        ranking_publish(month=MAY, actor=staff["leader"])


def test_a_month_not_over_is_refused(db):
    clock.freeze(timezone.make_aware(dt.datetime(2024, 5, 20, 9)))
    with pytest.raises(ValidationFailed, match="已经结束"):
        ranking_compute(month=MAY)


def test_the_pages(may, client, staff):
    client.force_login(staff["supervisor"])
    assert client.post("/staff/ranking/compute/", {"month": "2024-05"}).status_code == 302
    page = client.get("/staff/ranking/?month=2024-05").content.decode()
    assert "审核无误，发布" in page
    assert client.get("/stats/ranking/").status_code == 404  # nothing published yet
    assert client.post("/staff/ranking/publish/", {"month": "2024-05"}).status_code == 302
    public = client.get("/stats/ranking/")
    assert public.status_code == 200
    text = public.content.decode()
    assert "2024年5月" in text
    assert "市住房和城乡建设局" in text
    assert client.get("/stats/ranking/?month=2024-13").status_code == 422
    assert client.get("/stats/ranking/?month=2023-01").status_code == 404
    again = client.post("/staff/ranking/compute/", {"month": "2024-05"})
    assert again.status_code == 409
    assert "已发布" in again.content.decode()


@pytest.mark.parametrize("user", ["leader", "heping_head"])
def test_the_wrong_persona_cannot_publish(may, client, staff, user):
    ranking_compute(month=MAY)
    client.force_login(staff[user])
    assert client.post("/staff/ranking/publish/", {"month": "2024-05"}).status_code == 403
    assert client.post("/staff/ranking/compute/", {"month": "2024-05"}).status_code == 403
    assert Ranking.objects.get(month=MAY).status == Ranking.Status.DRAFT
