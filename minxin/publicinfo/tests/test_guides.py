import datetime as dt

import pytest

from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied
from minxin.publicinfo import guides, search
from minxin.publicinfo.models import Guide, GuideVote, Notice


def make_guide(unit, **extra) -> Guide:
    fields = {
        "title": "居住证办理",
        "unit": unit,
        "summary": "非本市户籍人员办理居住证",
        "materials": "居民身份证\n照片",
        "steps": "申报\n领取",
        "time_limit": "15个工作日",
        "office": "派出所",
        "hours": "工作日",
        "contact": "12345",
        **extra,
    }
    return Guide(**fields)


def test_a_unit_edits_its_own_guides_and_they_become_searchable(city, staff):
    guide = guides.guide_save(user=staff["zhujian"], guide=make_guide(staff["zhujian"].unit))
    hits = search.search("居住证", kinds=["guide"])
    assert [h.entry.ref_id for h in hits] == [guide.pk]
    guide.published = False
    guides.guide_save(user=staff["zhujian"], guide=guide)
    assert search.search("居住证") == []


def test_a_unit_cannot_write_for_another_unit(city, staff):
    with pytest.raises(PermissionDenied):
        guides.guide_save(user=staff["jiaoyu"], guide=make_guide(staff["zhujian"].unit))
    guide = guides.guide_save(user=staff["admin"], guide=make_guide(staff["zhujian"].unit))
    guide.unit = staff["jiaoyu"].unit
    with pytest.raises(PermissionDenied):
        guides.guide_save(user=staff["jiaoyu"], guide=guide)
    assert Guide.objects.get().unit == staff["zhujian"].unit


def test_a_district_keeps_the_notices_of_its_streets(city, staff):
    street = city["units"]["nanhu"]
    assert guides.editable_units(staff["heping"]).filter(pk=street.pk).exists()
    assert not guides.editable_units(staff["reviewer"]).exists()


def test_one_vote_per_session(city, staff):
    guide = guides.guide_save(user=staff["zhujian"], guide=make_guide(staff["zhujian"].unit))
    guides.guide_vote(guide_id=guide.pk, session_key="s1", helpful=True)
    guides.guide_vote(guide_id=guide.pk, session_key="s2", helpful=False, comment="材料不清楚")
    with pytest.raises(Conflict):
        guides.guide_vote(guide_id=guide.pk, session_key="s1", helpful=False)
    guide.refresh_from_db()
    assert (guide.helpful_yes, guide.helpful_no) == (1, 1)
    assert GuideVote.objects.count() == 2


def test_an_unpublished_guide_takes_no_votes(city, staff):
    guide = make_guide(staff["zhujian"].unit, published=False)
    guides.guide_save(user=staff["zhujian"], guide=guide)
    with pytest.raises(NotFound):
        guides.guide_vote(guide_id=guide.pk, session_key="s1", helpful=True)


def test_a_notice_leaves_the_search_when_its_period_is_over(city, staff):
    now = clock.now()
    notice = Notice(
        kind=Notice.Kind.WATER,
        title="文化路停水通知",
        body="管网维修，文化路沿线停水",
        unit=staff["heping"].unit,
        valid_from=now,
        valid_until=now + dt.timedelta(hours=8),
    )
    guides.notice_save(user=staff["heping"], notice=notice)
    assert [h.entry.url for h in search.search("停水")] == [f"/notices/{notice.pk}/"]
    clock.freeze(now + dt.timedelta(hours=9))
    assert search.search("停水") == []
