"""Unit recommendation on the demo city: table, district owners, history, neighbours."""

from __future__ import annotations

import pytest

from minxin.core import process_cache
from minxin.routing.recommend import Case, knowledge, recommend_for_tickets
from minxin.routing.tests.helpers import category, dispatch, submit


def codes(guesses) -> list[str]:  # type: ignore[no-untyped-def]
    return [g.unit.code for g in guesses]


def test_the_responsibility_table_alone(city):
    # 房屋质量 has one citywide owner and no district owners; no history, no model.
    case = Case(
        "楼顶漏水",
        district_id=city["units"]["heping"].pk,
        category_id=category("城乡建设/房屋质量").pk,
        confirmed=True,
    )
    top = knowledge().recommend([case])[0]
    assert codes(top) == ["zhujian"]
    assert top[0].confidence == pytest.approx(1.0)


def test_the_district_owner_is_preferred(city):
    case = Case(
        "电梯坏了",
        district_id=city["units"]["heping"].pk,
        category_id=category("城乡建设/物业管理").pk,
        confirmed=True,
    )
    top = knowledge().recommend([case])[0]
    assert codes(top) == ["heping", "zhujian"]
    assert top[0].confidence == pytest.approx(0.8)
    assert top[1].confidence == pytest.approx(0.2)
    # Another district's request goes to that district, not to 和平区.
    elsewhere = Case(
        "电梯坏了",
        district_id=city["units"]["shenhe"].pk,
        category_id=category("城乡建设/物业管理").pk,
        confirmed=True,
    )
    assert codes(knowledge().recommend([elsewhere])[0])[0] == "shenhe"


def test_history_overrides_the_table_after_repeated_corrections(city, staff):
    path = "城乡建设/物业管理"
    # Dispatchers keep sending 和平区's property complaints to the street office.
    for i in range(3):
        old = submit(city, f"物业问题{i}", f"第{i}个完全不同的事项{'甲乙丙'[i] * 5}", path=path)
        dispatch(old, staff, "nanhu", path)
    new = submit(city, "物业不作为", "垃圾清运不及时", path=path)
    new.accepted_at = new.created_at  # as if intake confirmed the category
    top = recommend_for_tickets([new])[0]
    assert codes(top)[0] == "nanhu"
    # (3 + 2·0) / (3 + 2) for the street, (0 + 2·0.8) / 5 for the district.
    assert top[0].confidence == pytest.approx(0.6)
    assert top[1].unit.code == "heping"
    assert top[1].confidence == pytest.approx(0.32)


def test_similar_past_requests_vote_for_their_unit(city, staff):
    text = "某某路公交站台遮雨棚被大风吹倒，候车乘客淋雨，请尽快修复站台设施"
    past = submit(city, "公交站台遮雨棚损坏", text, district=None)
    dispatch(past, staff, "jiaotong")
    # No category, no model: only the neighbours know where such a request goes.
    new = submit(city, "公交站台遮雨棚损坏", text + "。", district=None)
    top = recommend_for_tickets([new])[0]
    assert codes(top) == ["jiaotong"]
    assert 0.4 < top[0].confidence <= 0.5  # β = 0.5 × similarity of the best neighbour
    # A request is never its own neighbour.
    assert recommend_for_tickets([past])[0] == []


class _Queued:
    """Records the background refreshes instead of starting threads inside a test."""

    def __init__(self) -> None:
        self.targets: list = []

    def __call__(self, target, args, daemon):  # type: ignore[no-untyped-def]
        queued = self

        class Thread:
            def start(self) -> None:
                queued.targets.append(lambda: target(*args))

        return Thread()


@pytest.fixture
def queued(monkeypatch) -> _Queued:
    queued = _Queued()
    monkeypatch.setattr(process_cache, "Thread", queued)
    monkeypatch.setattr(process_cache.connections, "close_all", lambda: None)
    return queued


def test_cached_knowledge_is_reused_within_its_time(
    city, settings, queued, django_assert_num_queries
):
    settings.ROUTING_CACHE_SECONDS = 300
    knowledge()
    with django_assert_num_queries(0):
        knowledge()


def test_a_stale_cache_is_served_at_once_and_refreshed_off_the_page(
    city, settings, monkeypatch, queued, django_assert_num_queries
):
    settings.ROUTING_CACHE_SECONDS = 300
    now = process_cache.monotonic()
    monkeypatch.setattr(process_cache, "monotonic", lambda: now)
    first = knowledge()  # the first page loads table and history itself
    assert first.neighbours is None
    assert len(queued.targets) == 1
    queued.targets[0]()  # the background refresh: history and the neighbour index
    fresh = knowledge()
    assert fresh is not first
    assert fresh.neighbours is not None
    assert len(queued.targets) == 1
    now += 301  # stale: the page still gets an answer with no query
    with django_assert_num_queries(0):
        assert knowledge() is fresh
    assert len(queued.targets) == 2
    queued.targets[1]()  # history again; the neighbour index is younger than an hour: kept
    again = knowledge()
    assert again is not fresh
    assert again.neighbours is fresh.neighbours
    now += settings.ROUTING_NEIGHBOURS_SECONDS
    knowledge()
    queued.targets[2]()  # now it is rebuilt
    assert knowledge().neighbours is not fresh.neighbours
