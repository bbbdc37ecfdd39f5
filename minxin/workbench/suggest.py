"""Suggestions for intake: the likely category (the classifier, else keyword rules) and the
likely handling units with confidences (`minxin.routing.recommend`).

A page asks for all its rows at once: one classifier call, categories and responsibilities
from the recommender's per-process knowledge, so the queries do not grow with the rows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from minxin.org.models import Category, Unit
from minxin.routing.labels import Guess, keyword_ranking, model_guesses
from minxin.routing.recommend import Knowledge, UnitGuess, case_of, knowledge
from minxin.tickets.models import Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float | None  # the classifier's, for the first level; keyword share otherwise
    source: str = "model"  # model | keywords
    evidence: tuple[str, ...] = ()  # the keywords that chose the second level


def predicted_categories(
    text: str, k: int = 3, categories: Sequence[Category] | None = None
) -> list[CategoryGuess]:
    """The classifier's top guesses for one text, else the categories' keyword rules."""
    known = knowledge()
    if categories is None:
        categories = keyword_categories(known)
    return _guesses(text, model_guesses([text], known, k)[0], categories, k)


def keyword_categories(known: Knowledge) -> list[Category]:
    return [
        c for c in known.categories.values() if c.is_active and c.parent_id and c.keywords.strip()
    ]


def _guesses(
    text: str, model: Sequence[Guess], categories: Sequence[Category], k: int
) -> list[CategoryGuess]:
    if model:
        return [CategoryGuess(g.category, g.confidence, g.source, g.evidence) for g in model[:k]]
    return _from_keywords(text, k, categories)


def _from_keywords(text: str, k: int, categories: Sequence[Category]) -> list[CategoryGuess]:
    ranked = keyword_ranking(text, categories, k)
    return [CategoryGuess(c, share, "keywords") for c, share in ranked]


@dataclass(frozen=True)
class Suggestion:
    guesses: list[CategoryGuess]
    units: list[UnitGuess]

    @property
    def unit(self) -> Unit | None:
        return self.units[0].unit if self.units else None


class Suggester:
    """The recommender's knowledge, looked up once per page."""

    def __init__(self) -> None:
        self.known = knowledge()
        self.categories = keyword_categories(self.known)

    def units(self, category_id: int | None, district_id: int | None) -> list[Unit]:
        """The responsibility table's owners: district-specific first, then citywide; a
        child without owners inherits its parent category's."""
        return self.known.owners(category_id, district_id)

    def suggest(self, tickets: Sequence[Ticket]) -> list[Suggestion]:
        """Category guesses and top-3 units for every ticket, with one classifier call."""
        texts = [f"{t.title}\n{t.content}" for t in tickets]
        model = model_guesses(texts, self.known)
        guesses = [
            _guesses(text, m, self.categories, 3) for text, m in zip(texts, model, strict=False)
        ]
        cases = [case_of(t, gs) for t, gs in zip(tickets, guesses, strict=False)]
        units = self.known.recommend(cases)
        return [Suggestion(g, u) for g, u in zip(guesses, units, strict=False)]

    def best(self, ticket: Ticket) -> Unit | None:
        return self.suggest([ticket])[0].unit
