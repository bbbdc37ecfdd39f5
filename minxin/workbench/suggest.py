"""Suggestions for intake: the likely category (from the classifier, when there is one)
and the unit that owns that category in the request's district (归口办理)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

from minxin.org.models import Category, Responsibility, Unit
from minxin.tickets.models import Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CategoryGuess:
    category: Category
    confidence: float | None
    source: str = "model"  # model | keywords


def predicted_categories(text: str, k: int = 3,
                         categories: Sequence[Category] | None = None) -> list[CategoryGuess]:
    """The classifier's top guesses, else the categories' keyword rules. Pass `categories`
    (second level, with parents) when guessing for many requests at once."""
    if categories is None:
        categories = keyword_categories()
    return _from_model(text, k) or _from_keywords(text, k, categories)


def keyword_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True, parent__isnull=False)
                .exclude(keywords="").select_related("parent"))


def _from_model(text: str, k: int) -> list[CategoryGuess]:
    # The NLP app may not offer a model yet, or it may fail: intake must keep working
    # either way, so any error means "no model suggestion".
    try:
        from minxin.nlp import predict_category  # type: ignore[attr-defined]

        raw = list(predict_category(text, k=k))
    except Exception:  # a broken model must never break the intake page
        log.debug("category prediction unavailable", exc_info=True)
        return []
    return _as_guesses(raw)[:k]


def _from_keywords(text: str, k: int, categories: Sequence[Category]) -> list[CategoryGuess]:
    """Second-level categories ranked by how many of their keywords the text contains."""
    scored = []
    for category in categories:
        hits = sum(1 for word in set(category.keywords.split()) if word in text)
        if hits:
            scored.append((hits, category))
    total = sum(hits for hits, _ in scored)
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    return [CategoryGuess(c, hits / total, "keywords") for hits, c in scored[:k]]


def _as_guesses(raw: Iterable[Any]) -> list[CategoryGuess]:
    # Accept (category, score) pairs or dicts, with a Category, an id or a "top/child" name.
    pairs = [(r.get("category", r.get("category_id")), r.get("confidence", r.get("score")))
             if isinstance(r, dict) else tuple(r)[:2] for r in raw]
    guesses = []
    for ref, score in pairs:
        category = _category(ref)
        if category is not None:
            guesses.append(CategoryGuess(category, float(score) if score is not None else None))
    return guesses


def _category(ref: Any) -> Category | None:
    if isinstance(ref, Category):
        return ref
    if isinstance(ref, str) and ref.strip().isdigit():
        ref = int(ref)
    if isinstance(ref, Integral):  # numpy integers are Integral but not int
        return Category.objects.filter(pk=int(ref)).select_related("parent").first()
    if isinstance(ref, str):
        top, _, child = ref.rpartition("/")
        found = Category.objects.filter(name=child).select_related("parent")
        return (found.filter(parent__name=top) if top else found).first()
    return None


class Suggester:
    """Responsibility rows and keyword rules are few; load them once per page."""

    def __init__(self) -> None:
        self.categories = keyword_categories()
        self._rows: dict[int, list[Responsibility]] = {}
        for row in Responsibility.objects.select_related("unit").filter(unit__is_active=True):
            self._rows.setdefault(row.category_id, []).append(row)
        self._parents = dict(Category.objects.values_list("id", "parent_id"))

    def units(self, category_id: int | None, district_id: int | None) -> list[Unit]:
        """District-specific owners first, then citywide; a child without owners inherits
        its parent category's."""
        while category_id is not None:
            rows = self._rows.get(category_id, [])
            local = [r.unit for r in rows if district_id and r.district_id == district_id]
            citywide = [r.unit for r in rows if r.district_id is None]
            if local or citywide:
                return list(dict.fromkeys(local + citywide))
            category_id = self._parents.get(category_id)
        return []

    def best(self, ticket: Ticket, guesses: Sequence[CategoryGuess] = ()) -> Unit | None:
        category_id = ticket.category_id or (guesses[0].category.pk if guesses else None)
        units = self.units(category_id, ticket.district_id)
        return units[0] if units else None
