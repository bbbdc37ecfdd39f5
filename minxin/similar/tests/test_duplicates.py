"""Repeats and same-matter requests are flagged at submission, on real messages."""

from __future__ import annotations

import pytest

from minxin.core.errors import Conflict, PermissionDenied
from minxin.similar.models import DuplicateFlag
from minxin.similar.selectors import duplicate_flags_for
from minxin.similar.services import duplicate_dismiss, duplicate_merge
from minxin.similar.tests.helpers import REPLIES, submit_message
from minxin.similar.tests.shared_data import message
from minxin.tickets.models import Status
from minxin.tickets.tests.helpers import as_staff

pytestmark = pytest.mark.django_db
LIKES = "messages-with-likes.csv"
PHONE = "13800001234"


def test_a_repeat_by_the_same_person_is_flagged(city):
    # A real pair: "反映…花卉路井盖噪音扰民…" and, later, "再次反映…" by its author.
    first = submit_message(city, message(REPLIES, "27485"), phone=PHONE)
    again = submit_message(city, message(REPLIES, "4178"), phone=PHONE, district="shenhe")
    flag = DuplicateFlag.objects.get(ticket=again)
    assert (flag.similar_to_id, flag.kind) == (first.pk, DuplicateFlag.Kind.REPEAT)
    assert flag.score >= 0.35
    assert not flag.resolved


def test_the_same_person_on_another_matter_is_not_flagged(city):
    submit_message(city, message(REPLIES, "27485"), phone=PHONE)
    other = submit_message(city, message(REPLIES, "33254"), phone=PHONE)
    assert not DuplicateFlag.objects.filter(ticket=other).exists()


def test_another_person_on_the_same_matter_and_place_is_flagged(city):
    # Two residents of one estate about its bundled parking spaces (伊景园滨河苑).
    first = submit_message(city, message(LIKES, "205982"), phone=PHONE)
    second = submit_message(city, message(LIKES, "276460"))
    flag = DuplicateFlag.objects.get(ticket=second)
    assert (flag.similar_to_id, flag.kind) == (first.pk, DuplicateFlag.Kind.SAME_MATTER)
    assert flag.score >= 0.5


def test_the_same_matter_in_another_district_is_not_flagged(city):
    submit_message(city, message(LIKES, "205982"))
    elsewhere = submit_message(city, message(LIKES, "276460"), district="hunnan")
    assert not DuplicateFlag.objects.filter(ticket=elsewhere).exists()


def test_different_matters_in_one_district_are_not_flagged(city):
    submit_message(city, message(LIKES, "205982"))
    submit_message(city, message(REPLIES, "27485"))
    third = submit_message(city, message(REPLIES, "33254"))
    assert not DuplicateFlag.objects.exists(), [str(f) for f in DuplicateFlag.objects.all()]
    assert third.match_keywords.count() > 5


def test_a_shared_address_makes_a_looser_likeness_enough(city):
    # Two real questions about one school's admissions: alike, but less than 0.5.
    submit_message(city, message(REPLIES, "33254"))
    loose = submit_message(city, message(REPLIES, "33064"))
    assert not DuplicateFlag.objects.filter(ticket=loose).exists()
    first = submit_message(
        city, message(REPLIES, "33254"), address="渌口区第一中学", district="shenhe"
    )
    near = submit_message(
        city, message(REPLIES, "33064"), address="渌口区第一中学 招生办", district="shenhe"
    )
    flag = DuplicateFlag.objects.get(ticket=near)
    assert (flag.similar_to_id, flag.kind) == (first.pk, DuplicateFlag.Kind.SAME_MATTER)
    assert 0.35 <= flag.score < 0.5


def test_a_closed_request_is_no_same_matter_candidate(city, staff):
    from minxin.tickets import services as svc

    first = submit_message(city, message(LIKES, "205982"))
    svc.ticket_reject(ticket_id=first.pk, actor=as_staff(staff["intake"]), reason="重复")
    second = submit_message(city, message(LIKES, "276460"))
    assert not DuplicateFlag.objects.filter(ticket=second).exists()


def test_intake_merges_a_flagged_request(city, staff):
    first = submit_message(city, message(LIKES, "205982"), phone=PHONE)
    second = submit_message(city, message(LIKES, "276460"))
    flag = DuplicateFlag.objects.get(ticket=second)
    with pytest.raises(PermissionDenied):
        duplicate_merge(flag_id=flag.pk, actor=as_staff(staff["zhujian"]))
    merged = duplicate_merge(flag_id=flag.pk, actor=as_staff(staff["intake"]))
    assert (merged.status, merged.merged_into_id) == (Status.MERGED, first.pk)
    flag.refresh_from_db()
    assert flag.resolved
    assert first.events.filter(action="merge").exists()
    assert merged.events.count() == 2
    with pytest.raises(Conflict):
        duplicate_merge(flag_id=flag.pk, actor=as_staff(staff["intake"]))


def test_intake_dismisses_a_flag_and_both_sides_see_it(city, staff):
    first = submit_message(city, message(LIKES, "205982"))
    second = submit_message(city, message(LIKES, "276460"))
    flag = DuplicateFlag.objects.get(ticket=second)
    [earlier] = duplicate_flags_for(second)
    [later] = duplicate_flags_for(first)
    assert (earlier["direction"], earlier["other"]["id"]) == ("earlier", first.pk)
    assert (later["direction"], later["other"]["id"]) == ("later", second.pk)
    duplicate_dismiss(flag_id=flag.pk, actor=as_staff(staff["intake"]))
    assert duplicate_flags_for(second)[0]["resolved"] is True
    assert Status(second.status) == Status.SUBMITTED
