"""Suggestions for intake: the likely category (the classifier, else keyword rules) and the
likely handling units with confidences (`minxin.routing.recommend`).

A page asks for all its rows at once: one classifier call, categories and responsibilities
from the recommender's per-process knowledge, so the queries do not grow with the rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from minxin.core.process_cache import ProcessCache
from minxin.nlp.prediction import active_models
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


GuessKey = tuple[int, str]  # a request and its text's digest


def _not_loaded(key: GuessKey, previous: object) -> tuple[int | None, list[Guess]]:
    raise LookupError("intake guesses are only put, never loaded")


# The classifier's guesses for a request, kept per process with the model version that made
# them: an intake queue shows mostly the same requests at every refresh, and classifying its
# 50 rows again was most of the page's time (docs/benchmarks.md). A new model version, or a
# changed text (erased personal data), is a miss.
guessed: ProcessCache[GuessKey, tuple[int | None, list[Guess]]] = ProcessCache(
    "intake guesses", _not_loaded, ttl=0, max_entries=5_000
)


def _model_guesses(
    tickets: Sequence[Ticket], texts: list[str], known: Knowledge
) -> list[list[Guess]]:
    """`model_guesses` for TEXTS, those of requests already classified by the active model
    version taken from the cache; the others in one classifier call."""
    keys = [
        (t.pk, hashlib.blake2b(x.encode(), digest_size=8).hexdigest())
        for t, x in zip(tickets, texts, strict=True)
    ]
    version = active_models.version_id()
    found: list[list[Guess] | None] = []
    for ticket, key in zip(tickets, keys, strict=True):
        held = guessed.peek(key) if ticket.pk else None
        found.append(held[1] if held is not None and held[0] == version else None)
    missing = [i for i, guesses in enumerate(found) if guesses is None]
    fresh = model_guesses([texts[i] for i in missing], known)
    version = active_models.version_id()  # the one the call used
    for i, guesses in zip(missing, fresh, strict=True):
        found[i] = guesses
        if guesses and tickets[i].pk:  # no guess may be a passing failure: ask again
            guessed.put(keys[i], (version, guesses))
    return [guesses or [] for guesses in found]


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
        model = _model_guesses(tickets, texts, self.known)
        guesses = [
            _guesses(text, m, self.categories, 3) for text, m in zip(texts, model, strict=False)
        ]
        cases = [case_of(t, gs) for t, gs in zip(tickets, guesses, strict=False)]
        units = self.known.recommend(cases)
        return [Suggestion(g, u) for g, u in zip(guesses, units, strict=False)]

    def best(self, ticket: Ticket) -> Unit | None:
        return self.suggest([ticket])[0].unit
