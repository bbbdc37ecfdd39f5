import datetime as dt
import json

from django.core.management import call_command
from django.utils import timezone

from minxin.insight.tests.helpers import shared
from minxin.insight.topics import Doc, topics_find

T0 = timezone.make_aware(dt.datetime(2024, 5, 1, 9))
NOISE = [
    "公交站台破损",
    "图书馆开放时间",
    "医保报销流程",
    "路灯不亮",
    "学校招生政策",
    "菜市场卫生差",
]


def docs(
    theme: str, text: str, n: int, *, likes: int = 0, days: int = 1, start: int = 0
) -> list[Doc]:
    return [
        Doc(f"{theme}{i}", f"{theme}问题反映{i}", text, T0 + dt.timedelta(days=i * days), likes)
        for i in range(start, start + n)
    ]


def corpus() -> list[Doc]:
    noise = [Doc(f"n{i}", t, t, T0, 0) for i, t in enumerate(NOISE)]
    return (
        docs("搅拌站", "丽发新城小区旁边搅拌站噪音扰民粉尘污染严重，夜间施工影响休息", 8)
        + docs(
            "车位", "伊景园滨河苑开发商捆绑销售车位，购房必须购买车位，侵害购房者权益", 5, likes=300
        )
        + noise
    )


def test_alike_requests_form_topics_named_by_their_words():
    topics = topics_find(corpus())

    assert len(topics) == 2
    by_size = sorted(topics, key=lambda t: -t.size)
    assert by_size[0].size == 8
    assert {d.id for d in by_size[0].docs} == {f"搅拌站{i}" for i in range(8)}
    assert "搅拌站" in by_size[0].keywords
    assert {"车位", "捆绑"} <= set(by_size[1].keywords)


def test_heat_counts_size_likes_and_a_short_burst():
    topics = topics_find(corpus())
    # Five requests with 1,500 likes are hotter than eight with none.
    assert topics[0].keywords[:1] != ["搅拌站"]
    assert topics[0].likes == 1500
    spread = topics_find(
        docs("搅拌站", "丽发新城搅拌站噪音扰民粉尘污染", 8, days=20) + corpus()[8:]
    )
    burst = next(t for t in topics if "搅拌站" in t.keywords)
    slow = next(t for t in spread if "搅拌站" in t.keywords)
    assert burst.concentration == 1.0
    assert slow.concentration < 0.5
    assert burst.heat > slow.heat


def test_growth_is_against_the_previous_period():
    earlier = docs("搅拌站", "丽发新城小区旁边搅拌站噪音扰民粉尘污染严重", 2, start=20)
    topics = topics_find(corpus(), previous=earlier)
    mixer = next(t for t in topics if "搅拌站" in t.keywords)
    parking = next(t for t in topics if "车位" in t.keywords)
    assert mixer.previous == 2
    assert mixer.growth == 3.0
    assert parking.previous == 0
    assert parking.growth is None


def test_too_few_requests_make_no_topic():
    assert topics_find(corpus()[:2]) == []
    assert topics_find([]) == []


def test_hotspots_command_on_the_teddy_cup_messages(capsys):
    path = shared("messages-with-likes.csv")
    call_command("hotspots", "--messages", str(path), "--json", "--top", "10")
    result = json.loads(capsys.readouterr().out)

    assert result["n"] == 4326
    assert len(result["topics"]) == 10
    top = result["topics"][0]
    assert set(top) >= {"ids", "keywords", "first", "last", "likes", "heat", "places"}
    # The 58车贷 fraud case: the messages with by far the most public support.
    assert "贷" in top["keywords"]
    assert top["likes"] > 2000
    assert len(top["ids"]) >= 10
    keywords = [" ".join(t["keywords"]) for t in result["topics"]]
    assert any("搅拌站" in k for k in keywords)
    assert any("车位" in k for k in keywords)
