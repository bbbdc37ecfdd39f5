"""similar_cases(): real public cases and the platform's own closed requests, kept fresh."""

from __future__ import annotations

from collections import Counter

import pytest

from minxin.publicinfo.redact import redact
from minxin.similar import corpus
from minxin.similar.models import PublicCase
from minxin.similar.services import public_cases_import, similar_cases
from minxin.similar.tests.helpers import import_replies, submit_message
from minxin.similar.tests.shared_data import messages
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.tests.helpers import as_staff, to_signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_index_dir(settings, tmp_path):
    settings.SIMILAR_INDEX_DIR = str(tmp_path)


def test_a_public_case_is_found_by_its_title_with_its_reply():
    rows = import_replies(300)
    titles = Counter(r["title"] for r in rows)
    unique = [r for r in rows if titles[r["title"]] == 1][:60]
    found = 0
    for row in unique:
        results = similar_cases(row["title"], k=5)
        match = [r for r in results if r["title"] == redact(row["title"])]
        found += bool(match)
        if match:
            assert match[0]["source"] == "case"
            assert match[0]["reply_excerpt"]
            assert match[0]["reply_date"] is not None
    assert found == len(unique)


def test_results_carry_excerpts_and_scores():
    rows = import_replies(100)
    results = similar_cases(rows[0]["title"] + " " + rows[0]["text"][:50], k=3)
    assert 1 <= len(results) <= 3
    first = results[0]
    assert set(first) == {
        "source",
        "id",
        "title",
        "excerpt",
        "reply_excerpt",
        "reply_date",
        "score",
    }
    assert first["title"] == rows[0]["title"]
    assert len(first["excerpt"]) <= 121
    assert "_x000D_" not in first["reply_excerpt"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_a_closed_request_with_an_approved_reply_is_a_case(city, staff):
    import_replies(50)
    row = messages("messages-unlabeled.csv")[7]
    ticket = submit_message(city, row)
    to_signed(ticket, staff)
    svc.ticket_reply(
        ticket_id=ticket.pk,
        actor=as_staff(staff["zhujian"]),
        facts="已核实",
        solved=True,
        public_reply="经核查，已责成物业整改，问题已解决。",
    )
    assert not [r for r in similar_cases(row["title"]) if r["source"] == "ticket"]
    svc.ticket_approve(ticket_id=ticket.pk, actor=as_staff(staff["reviewer"]))
    svc.ticket_rate(
        ticket_id=ticket.pk, actor=Actor.code_holder(ticket.tracking_code), satisfaction="satisfied"
    )
    corpus.indexes.reset()
    first = similar_cases(row["title"])[0]
    assert (first["source"], first["id"]) == ("ticket", ticket.pk)
    assert first["reply_excerpt"] == "经核查，已责成物业整改，问题已解决。"


def test_the_index_is_rebuilt_when_the_corpus_changes(monkeypatch):
    rows = import_replies(30)
    assert similar_cases(rows[0]["title"])
    new = messages("messages-with-replies.csv")[500]
    PublicCase.objects.create(
        source="late", external_id="1", title=new["title"], text=new["text"], reply=new["reply"]
    )
    # Within the check interval the process keeps the index it has (no query per search).
    assert not [r for r in similar_cases(new["title"]) if r["title"] == new["title"]]
    monkeypatch.setattr(corpus, "CHECK_SECONDS", 0)
    monkeypatch.setattr(corpus, "REBUILD_SECONDS", 0)
    assert similar_cases(new["title"])[0]["title"] == new["title"]


def test_another_process_loads_the_saved_index(monkeypatch, tmp_path):
    rows = import_replies(30)
    similar_cases(rows[0]["title"])
    assert list(tmp_path.glob("index-*.npz"))

    def no_rebuild(version: str) -> None:
        raise AssertionError("the saved index should have been loaded")

    monkeypatch.setattr(corpus, "build_index", no_rebuild)
    corpus.indexes.reset()  # as in a new process
    assert len(corpus.current_index()) == 30


def test_a_blank_query_finds_nothing():
    import_replies(10)
    assert similar_cases("   ") == []
    assert similar_cases("？？？") == []


def test_a_case_on_file_twice_is_shown_once():
    rows = import_replies(40)
    public_cases_import(rows=rows, source="the same library again")
    results = similar_cases(rows[5]["title"] + rows[5]["text"][:40], k=5)
    titles = [r["title"] for r in results]
    assert titles[0] == rows[5]["title"]
    assert len(set(titles)) == len(titles)
