"""From the classifier's labels to the city's categories (模型标签映射), and keyword rules.

A label means the category a `LabelMapping` row names (admin, city file); without a row, the
category of the same name: its id, its "top/child" path, a first-level name, or a second-level
name no other category shares. Labels that mean nothing in the city are dropped.

A first-level category is narrowed to one of its children only on evidence: the text holds
more of that child's keywords (`Category.keywords`) than of any sibling's. Without such
evidence the guess stays first-level, and staff see the first level alone: the classifier
shipped with Minxin knows only the seven first-level categories of the public data, and a
child picked without evidence would be a guess dressed as knowledge. The confidence stays
the classifier's (calibrated, docs/nlp.md) for the first level; `evidence` lists the words
that chose the child.

When the classifier's best guess stays at a first level (no evidence for any child) but the
text holds at least OVERRIDE_HITS keywords of one second-level category elsewhere in the tree
(strictly more than of any other), that category comes first as a keyword guess: the city's own words beat an
unsupported guess (the public data files a gas smell under 环境保护 by its "味"; the city's
燃气 keyword knows better). A keyword guess weighs KEYWORD_SHARE in the unit recommendation,
the classifier's guesses the rest (`weighted`).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from minxin.org.models import Category

if TYPE_CHECKING:
    from minxin.routing.recommend import Knowledge

logger = logging.getLogger(__name__)

__all__ = [
    "KEYWORD_SHARE",
    "Guess",
    "keyword_hits",
    "keyword_ranking",
    "label_index",
    "model_guesses",
    "weighted",
]


KEYWORD_SHARE = 0.5  # keyword rules are a weak guess: they never make a unit look certain
# Distinct keywords a category elsewhere needs to override the classifier's unsupported guess:
# one generic word (小区, 收费) is no evidence against the model (docs/nlp.md, "Routing").
OVERRIDE_HITS = 2


class Guessed(Protocol):
    """Anything that guesses a category: `Guess`, or the workbench's `CategoryGuess`."""

    @property
    def category(self) -> Category: ...
    @property
    def confidence(self) -> float | None: ...
    @property
    def source(self) -> str: ...


class Guess(NamedTuple):
    """A category guess: the city's category, the confidence (the classifier's, or for a
    keyword guess its share of the keyword hits), the keywords that chose this second level
    (empty when none did), and where it came from ("model" or "keywords")."""

    category: Category
    confidence: float
    evidence: tuple[str, ...] = ()
    source: str = "model"


def weighted(guesses: Iterable[tuple[int, float | None, str]]) -> list[tuple[int, float]]:
    """(category id, weight) for the unit recommendation from (id, confidence, source):
    keyword guesses weigh KEYWORD_SHARE of their confidence, the classifier's guesses the
    rest of theirs when a keyword guess is present, all of it otherwise."""
    items = list(guesses)
    model_share = 1 - KEYWORD_SHARE if any(s == "keywords" for _, _, s in items) else 1.0
    return [
        (pk, (KEYWORD_SHARE if source == "keywords" else model_share) * (confidence or 0.0))
        for pk, confidence, source in items
    ]


def label_index(
    categories: dict[int, Category], mapping: Iterable[tuple[str, int]] = ()
) -> dict[str, int]:
    """Model label -> category id: ids, "top/child" paths, first-level names, unambiguous
    second-level names; then the mapping rows, which win."""
    labels: dict[str, int] = {}
    names = Counter(c.name for c in categories.values() if c.parent_id)
    for pk, c in sorted(categories.items()):
        labels[str(pk)] = pk
        labels[str(c)] = pk
        if c.parent_id is None or names[c.name] == 1:
            labels.setdefault(c.name, pk)
    for label, category_id in mapping:
        if category_id in categories:
            labels[label.strip()] = category_id
    return labels


def keyword_hits(category: Category, text: str) -> list[str]:
    """The category's keywords that occur in the text, in the order they are listed."""
    return [w for w in dict.fromkeys(category.keywords.split()) if w in text]


def keyword_ranking(
    text: str, categories: Sequence[Category], k: int
) -> list[tuple[Category, float]]:
    """Categories ranked by how many of their keywords the text contains, with each one's
    share of all the hits."""
    scored = []
    for category in categories:
        hits = len(keyword_hits(category, text))
        if hits:
            scored.append((hits, category))
    total = sum(hits for hits, _ in scored)
    scored.sort(key=lambda pair: (-pair[0], pair[1].pk))
    return [(c, hits / total) for hits, c in scored[:k]]


def narrow(category: Category, children: Sequence[Category], text: str) -> Guess:
    """The child the text's keywords point to (strictly more hits than any sibling), else
    the category itself. The confidence is filled in by the caller."""
    found = sorted(
        ((keyword_hits(child, text), child) for child in children),
        key=lambda pair: -len(pair[0]),
    )
    if found and found[0][0] and (len(found) == 1 or len(found[0][0]) > len(found[1][0])):
        return Guess(found[0][1], 0.0, tuple(found[0][0]))
    return Guess(category, 0.0)


def resolve(top: Sequence[tuple[str, float]], known: Knowledge, text: str) -> list[Guess]:
    """The classifier's (label, confidence) list as the city's categories, narrowed where
    the text gives evidence; labels meaning the same category add up."""
    mass: dict[int, float] = defaultdict(float)
    found: dict[int, Guess] = {}
    for label, confidence in top:
        category = known.category_for(label)
        if category is None:
            continue
        guess = narrow(category, known.active_children(category.pk), text)
        mass[guess.category.pk] += float(confidence)
        found.setdefault(guess.category.pk, guess)
    ranked = sorted(found, key=lambda pk: -mass[pk])
    guesses = [found[pk]._replace(confidence=round(mass[pk], 4)) for pk in ranked]
    if guesses and known.children.get(guesses[0].category.pk):  # left at a first level
        elsewhere = _best_by_keywords(known, text)
        if elsewhere is not None:  # first, in place of a lesser guess of the same category
            guesses = [elsewhere] + [g for g in guesses if g.category != elsewhere.category]
    return guesses


def _best_by_keywords(known: Knowledge, text: str) -> Guess | None:
    """The one second-level category whose keywords the text holds most of (strictly, and at
    least OVERRIDE_HITS), as a keyword guess; None otherwise."""
    found = sorted(
        (
            (keyword_hits(child, text), child)
            for pk in sorted(known.children)
            for child in known.active_children(pk)
        ),
        key=lambda pair: -len(pair[0]),
    )
    best = found[0][0] if found else []
    if len(best) >= OVERRIDE_HITS and (len(found) == 1 or len(best) > len(found[1][0])):
        return Guess(found[0][1], 1.0, tuple(best), "keywords")
    return None


def model_guesses(texts: Sequence[str], known: Knowledge, k: int = 3) -> list[list[Guess]]:
    """The active classifier's top-k for every text in one call, as the city's categories.
    No model, or a broken one, means no guesses: callers fall back to their rules."""
    if not texts:
        return []
    try:
        from minxin.nlp import predict_categories

        raw = predict_categories(list(texts), k=k)
    except Exception:  # noqa: BLE001 - a broken model must never break intake
        logger.debug("category prediction unavailable", exc_info=True)
        return [[] for _ in texts]
    return [resolve(top, known, text) for top, text in zip(raw, texts, strict=True)]
