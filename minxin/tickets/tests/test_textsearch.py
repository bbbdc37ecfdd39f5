"""The staff text search's bigram index: never misses a match, stays in step with the text."""

from __future__ import annotations

from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from minxin.privacy.services import personal_data_erase
from minxin.privacy.tests.helpers import PHONE, submit_real_name
from minxin.tickets import textsearch
from minxin.tickets.actors import Actor
from minxin.tickets.models import Ticket, TicketText
from minxin.tickets.submission import Submission, ticket_submit

# Chinese, Latin in both cases, digits, punctuation and the odd symbol, as citizens type them.
TEXT = st.text(alphabet="小区水管漏雨噪音电梯aBcXyZ019 ，。！-①Ⅻ", max_size=40)


def new(city: dict, title: str, content: str) -> Ticket:
    data = Submission(
        request_type="complaint",
        title=title,
        content=content,
        category_id=city["category"].pk,
        anonymous=True,
        district_id=city["units"]["heping"].pk,
    )
    ticket, _ = ticket_submit(data=data, actor=Actor())
    return ticket


def found(term: str) -> set[int]:
    return set(Ticket.objects.filter(textsearch.contains(term)).values_list("pk", flat=True))


def stored(ticket: Ticket) -> set[str] | None:
    """The grams the index holds for TICKET, wherever this database keeps them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT grams::text FROM tickets_ticket WHERE id = %s", [ticket.pk])
            value = cursor.fetchone()[0]
    else:
        value = TicketText.objects.filter(ticket=ticket).values_list("grams", flat=True).first()
    return None if value is None else {gram.strip("'") for gram in value.split()}


def overwrite(ticket: Ticket, value: str | None) -> None:
    """Damage the index as a crash or a bulk load could: lose TICKET's grams or make them stale."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tickets_ticket SET grams = %s::tsvector WHERE id = %s", [value, ticket.pk]
            )
    elif value is None:
        TicketText.objects.filter(ticket=ticket).delete()
    else:
        TicketText.objects.filter(ticket=ticket).update(grams=value)


def index_holds(ticket: Ticket, term: str) -> bool:
    candidates = textsearch.indexed(term)
    assert candidates is not None
    return Ticket.objects.filter(candidates, pk=ticket.pk).exists()


def _index_covers(text: str, term: str) -> bool:
    held = set(textsearch.grams(text).split())
    return all(
        any(g.startswith(gram) for g in held) if prefix else gram in held
        for gram, prefix in textsearch.query_grams(term)
    )


@given(TEXT, st.data())
def test_every_substring_is_covered_by_the_grams(text, data):
    start = data.draw(st.integers(0, len(text)))
    term = text[start : data.draw(st.integers(start, len(text)))]
    assert _index_covers(text, term)
    assert _index_covers(text.upper(), term)
    assert _index_covers(text, term.upper())


def test_grams_are_bigrams_and_run_ends():
    assert textsearch.grams("漏水，WiFi断") == "漏水 水 wi if fi i断 断"
    assert textsearch.query_grams("漏") == [("漏", True)]
    assert textsearch.query_grams("小区漏水") == [("小区", False), ("区漏", False), ("漏水", False)]
    assert textsearch.query_grams("，！") == []


def test_search_finds_short_mixed_and_punctuated_terms(city):
    leak = new(city, "三号楼漏水", "楼上WiFi机房漏水，已经三天")
    noise = new(city, "夜间施工噪音", "工地凌晨2点仍在施工")
    assert found("漏") == {leak.pk}
    assert found("漏水") == {leak.pk}
    assert found("wifi") == {leak.pk}
    assert found("WIFI") == {leak.pk}
    assert found("漏水，已经") == {leak.pk}
    assert found("2点") == {noise.pk}
    assert found("施工噪音") == {noise.pk}
    assert found("水漏") == set()  # both grams' characters occur, the term does not
    assert found("，") == {leak.pk}  # nothing to look up: the scan still answers
    assert found("电梯") == set()


def test_the_index_is_exact_after_the_recheck_on_real_shapes(city):
    # Grams of both words occur, but not as the term: the index says maybe, icontains says no.
    tricky = new(city, "小区停车", "区停车位不够，小区门口")
    assert index_holds(tricky, "小区停车位")
    assert found("小区停车位") == set()
    assert found("区停车位") == {tricky.pk}


def test_erasure_takes_the_erased_text_out_of_the_index(city):
    ticket = submit_real_name(city, content=f"请回电{PHONE}，身份证110101199003071234")
    assert index_holds(ticket, "19900307")

    personal_data_erase(actor=Actor.citizen(PHONE))

    ticket.refresh_from_db()
    assert stored(ticket) == set(textsearch.grams(ticket.title, ticket.content).split())
    assert not index_holds(ticket, "19900307")
    assert found("请回电") == {ticket.pk}


def test_submission_writes_the_grams(city):
    ticket = new(city, "路灯", "路灯不亮")
    assert stored(ticket) == {"路灯", "灯", "灯不", "不亮", "亮"}


def test_reindex_rebuilds_lost_and_stale_rows(city):
    leak = new(city, "漏水", "屋顶漏水")
    noise = new(city, "噪音", "广场舞噪音")
    overwrite(leak, None)
    overwrite(noise, "过时")
    assert found("漏水") == set()
    assert found("噪音") == set()
    assert stored(leak) is None
    assert list(textsearch.missing()) == [leak]

    assert textsearch.reindex(textsearch.missing()) == 1
    assert found("漏水") == {leak.pk}
    assert found("噪音") == set()
    assert textsearch.reindex() == Ticket.objects.count()
    assert found("噪音") == {noise.pk}
    assert not index_holds(noise, "过时")


def test_a_common_term_walks_the_list_with_the_same_answer(city, monkeypatch):
    leaks = [new(city, f"漏水{i}", "楼上漏水") for i in range(3)]
    other = new(city, "漏电", "配电箱漏电")
    expected = {t.pk for t in leaks}
    assert found("漏水") == expected
    monkeypatch.setattr(textsearch, "CANDIDATE_LIMIT", 1)  # every term is now "common"
    assert found("漏水") == expected
    assert found("漏") == expected | {other.pk}
    counted = Ticket.objects.filter(textsearch.contains("漏", walk=False))
    assert counted.count() == 4
    newest = Ticket.objects.filter(textsearch.contains("漏水")).order_by("-created_at", "-id")
    assert [t.pk for t in newest[:2]] == [leaks[2].pk, leaks[1].pk]
