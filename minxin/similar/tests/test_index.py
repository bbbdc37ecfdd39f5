"""The case index on real messages: a message is found again by its title alone."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from minxin.similar import index as case_index
from minxin.similar.tests.shared_data import messages
from minxin.similar.text import bigrams

N = 600


@pytest.fixture(scope="module")
def library() -> tuple[list[dict[str, str]], case_index.CaseIndex]:
    # Real messages with replies, plus other real messages as distractors.
    cases = list(messages("messages-with-replies.csv")[:N])
    others = list(messages("messages-unlabeled.csv")[: 2 * N])
    corpus = cases + others
    built = case_index.build(
        [str(i) for i in range(len(corpus))],
        [r["title"] for r in corpus],
        [r["text"] for r in corpus],
    )
    return cases, built


def test_a_message_is_found_by_its_title_alone(library):
    cases, built = library
    titles = Counter(r["title"] for r in cases)
    hits = at_first = 0
    for i, case in enumerate(cases):
        found = [key for key, _ in built.search(case["title"], k=5)]
        hits += str(i) in found
        # Two messages can share a title: then either may come first.
        at_first += found[0] == str(i) or titles[case["title"]] > 1
    assert hits / len(cases) >= 0.98
    assert at_first / len(cases) >= 0.95


def test_a_draft_finds_the_case_it_resembles(library):
    cases, built = library
    found = sum(
        str(i) in [key for key, _ in built.search(case["text"][:80], k=5)]
        for i, case in enumerate(cases[:200])
    )
    assert found / 200 >= 0.9


def test_scores_are_cosines_best_first(library):
    cases, built = library
    results = built.search(cases[0]["title"], k=5)
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True)
    assert 0 < scores[-1] <= scores[0] <= 1.0001


def test_nothing_to_match_gives_nothing(library):
    _, built = library
    assert built.search("", k=5) == []
    assert built.search("！？。", k=5) == []
    empty = case_index.build([], [], [])
    assert empty.search("电梯", k=5) == []


def test_hashed_counts_match_the_bigrams():
    texts = [r["title"] + "\n" + r["text"] for r in messages("messages-unlabeled.csv")[:50]]
    counted = case_index.counts(texts)
    assert list(np.asarray(counted.sum(axis=1)).ravel()) == [len(bigrams(t)) for t in texts]
    # Full-width letters and digits are the same features as half-width ones.
    assert (case_index.counts(["Ａ３区"]) != case_index.counts(["a3区"])).nnz == 0


def test_saved_index_loads_identical(library, tmp_path):
    cases, built = library
    path = tmp_path / "index.npz"
    built.version = "v1"
    built.save(path)
    loaded = case_index.CaseIndex.load(path)
    assert loaded.version == "v1"
    for case in cases[:20]:
        assert loaded.search(case["title"]) == built.search(case["title"])
