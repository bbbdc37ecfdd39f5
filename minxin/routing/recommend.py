"""Which units should handle a request (智能派遣建议): the top 3 with a confidence each.

Four sources, combined into one probability-like figure per unit (docs/routing.md):

* p(c): the category distribution. A category confirmed by staff counts 1; otherwise the
  classifier's top-k probabilities (model labels mapped to the city's `Category` rows), mixed
  half and half with a category the citizen chose.
* T(u | c, d): the responsibility table. When the table names both owners within district d
  and citywide owners, the district's own get LOCAL_SHARE of the mass; a category without
  owners inherits its parent's.
* n(u | c, d): how many past requests of category c in district d had unit u as lead unit
  (counted for the category and for its parent, so a first-level guess has a history too).
  P(u | c, d) = (n(u | c, d) + ALPHA·T(u | c, d)) / (N(c, d) + ALPHA): the table is a prior
  worth ALPHA dispatches, and repeated dispatcher corrections override it.
* V(u): a vote of the NEIGHBOURS past dispatched requests most like the text (TF-IDF over
  character bigrams, `minxin.similar.index`), weighted by cosine similarity.

    confidence(u) = (1 − β)·Σ_c p(c)·P(u | c, d) + β·V(u),   β = NEIGHBOUR_WEIGHT · s₁

with s₁ the best neighbour's similarity (β = 0 without neighbours). The confidences sum to at
most 1; what the classifier leaves unassigned stays unassigned.

The city's knowledge (units, table, counts, the neighbour index) is loaded once per process
and refreshed every `ROUTING_CACHE_SECONDS` (0 = on every call, the test default); with
caching on, only the first load is on a page's path (without the neighbour index), and every
refresh runs in a background thread, so no later page waits for it. The neighbour index is
rebuilt only every `ROUTING_NEIGHBOURS_SECONDS` (default an hour): it costs ~3.7 s of CPU at
100,000 requests, and while a thread builds it the process's pages share the interpreter
with it (an intake home measured 110 ms idle, 250–440 ms during a build).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count

from minxin.core import process_cache
from minxin.core.process_cache import ProcessCache
from minxin.nlp.models import DEFAULT_NAME
from minxin.org.models import Category, Responsibility, Unit
from minxin.routing.labels import Guessed, label_index, model_guesses, weighted
from minxin.routing.models import LabelMapping
from minxin.similar import index as case_index
from minxin.tickets.models import Ticket

logger = logging.getLogger(__name__)

ALPHA = 2.0
LOCAL_SHARE = 0.8
NEIGHBOURS = 10
MIN_SIMILARITY = 0.2
NEIGHBOUR_WEIGHT = 0.5
CITIZEN_SHARE = 0.5
NEIGHBOUR_LIMIT = 20000
TOP = 3


@dataclass(frozen=True)
class UnitGuess:
    unit: Unit
    confidence: float


@dataclass(frozen=True)
class Case:
    """What the recommender needs to know of one request."""

    text: str
    district_id: int | None = None
    category_id: int | None = None
    confirmed: bool = False  # the category was set by staff (accepted), not by the citizen
    # The classifier's guesses as (category id, probability), best first.
    guesses: Sequence[tuple[int, float]] = ()
    exclude_id: int | None = None  # the request itself: its own dispatch is no evidence


@dataclass
class Neighbours:
    index: case_index.CaseIndex
    leads: np.ndarray  # the lead unit id of each indexed request
    # Row of each request id: excluding a request is one lookup, not a scan of every key.
    rows: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.rows = {key: i for i, key in enumerate(self.index.keys)}

    def vote(
        self, texts: Sequence[str], exclude: Sequence[int | None]
    ) -> list[tuple[float, dict[int, float]]]:
        """Per text: (best similarity, {unit id: share of the similarity-weighted vote})."""
        if not len(self.index) or not texts:
            return [(0.0, {}) for _ in texts]
        queries = case_index._weigh(case_index.counts(list(texts)), self.index.idf)
        scores = (queries @ self.index.matrix.T).toarray()
        out = []
        for row, skip in zip(scores, exclude, strict=False):
            own = self.rows.get(str(skip)) if skip is not None else None
            if own is not None:
                row[own] = 0.0
            k = min(NEIGHBOURS, len(row))
            nearest = np.argpartition(-row, k - 1)[:k]
            top = [i for i in nearest if row[i] >= MIN_SIMILARITY]
            total = sum(float(row[i]) for i in top)
            votes: dict[int, float] = defaultdict(float)
            for i in top:
                votes[int(self.leads[i])] += float(row[i]) / total
            out.append((max((float(row[i]) for i in top), default=0.0), dict(votes)))
        return out


@dataclass
class Knowledge:
    units: dict[int, Unit]
    categories: dict[int, Category]
    parents: dict[int, int | None]
    table: dict[int, list[tuple[int | None, int]]]  # category -> [(district or None, unit)]
    history: dict[tuple[int, int | None], Counter] = field(default_factory=dict)
    neighbours: Neighbours | None = None
    neighbours_at: float = float("-inf")  # when the neighbour index was built
    labels: dict[str, int] = field(default_factory=dict)  # model label -> category id
    children: dict[int, list[int]] = field(default_factory=dict)  # active children by parent

    def category_for(self, label: object) -> Category | None:
        pk = self.labels.get(str(label).strip())
        return self.categories.get(pk) if pk is not None else None

    def active_children(self, category_id: int) -> list[Category]:
        return [self.categories[pk] for pk in self.children.get(category_id, [])]

    def table_share(self, category_id: int | None, district_id: int | None) -> dict[int, float]:
        """T(u | c, d)."""
        while category_id is not None:
            rows = self.table.get(category_id, [])
            local = [u for d, u in rows if district_id and d == district_id]
            citywide = [u for d, u in rows if d is None]
            if local or citywide:
                local_share = LOCAL_SHARE if local and citywide else (1.0 if local else 0.0)
                share: dict[int, float] = defaultdict(float)
                for units, mass in ((local, local_share), (citywide, 1 - local_share)):
                    for unit in units:
                        share[unit] += mass / len(units)
                return dict(share)
            category_id = self.parents.get(category_id)
        return {}

    def owners(self, category_id: int | None, district_id: int | None) -> list[Unit]:
        share = self.table_share(category_id, district_id)
        ranked = sorted(share, key=lambda u: -share[u])
        return [self.units[u] for u in ranked if u in self.units]

    def unit_given(self, category_id: int, district_id: int | None) -> dict[int, float]:
        """P(u | c, d): the table as a prior of ALPHA dispatches, plus the history's counts."""
        prior = self.table_share(category_id, district_id)
        seen = self.history.get((category_id, district_id), Counter())
        total = sum(seen.values()) + ALPHA
        units = set(prior) | set(seen)
        return {u: (seen.get(u, 0) + ALPHA * prior.get(u, 0.0)) / total for u in units}

    def distribution(self, case: Case) -> dict[int, float]:
        """p(c)."""
        model = {c: p for c, p in case.guesses if c in self.categories}
        if case.category_id is None:
            return model
        if case.confirmed or not model:
            return {case.category_id: 1.0}
        mixed = {c: (1 - CITIZEN_SHARE) * p for c, p in model.items()}
        mixed[case.category_id] = mixed.get(case.category_id, 0.0) + CITIZEN_SHARE
        return mixed

    def recommend(self, cases: Sequence[Case], k: int = TOP) -> list[list[UnitGuess]]:
        votes = (
            self.neighbours.vote([c.text for c in cases], [c.exclude_id for c in cases])
            if self.neighbours is not None
            else [(0.0, {}) for _ in cases]
        )
        return [
            self._combine(case, best, vote, k)
            for case, (best, vote) in zip(cases, votes, strict=False)
        ]

    def _combine(self, case: Case, best: float, vote: dict[int, float], k: int) -> list[UnitGuess]:
        beta = NEIGHBOUR_WEIGHT * best if vote else 0.0
        score: dict[int, float] = defaultdict(float)
        for category_id, p in self.distribution(case).items():
            for unit, q in self.unit_given(category_id, case.district_id).items():
                score[unit] += (1 - beta) * p * q
        for unit, share in vote.items():
            score[unit] += beta * share
        ranked = sorted(
            (u for u in score if u in self.units and score[u] > 0), key=lambda u: (-score[u], u)
        )
        return [UnitGuess(self.units[u], round(min(1.0, score[u]), 4)) for u in ranked[:k]]


# ---- loading ---------------------------------------------------------------------------


def load_base() -> Knowledge:
    """Units, categories, the table and the history counts: a few queries, no text."""
    units = {u.pk: u for u in Unit.objects.filter(is_active=True)}
    categories = {c.pk: c for c in Category.objects.select_related("parent")}
    table: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for category_id, district_id, unit_id in Responsibility.objects.filter(
        unit__is_active=True
    ).values_list("category_id", "district_id", "unit_id"):
        table[category_id].append((district_id, unit_id))
    children: dict[int, list[int]] = defaultdict(list)
    for pk, c in sorted(categories.items()):
        if c.parent_id is not None and c.is_active:
            children[c.parent_id].append(pk)
    mapping = LabelMapping.objects.filter(model_name=DEFAULT_NAME).values_list(
        "label", "category_id"
    )
    knowledge = Knowledge(
        units=units,
        categories=categories,
        parents={pk: c.parent_id for pk, c in categories.items()},
        table=dict(table),
        labels=label_index(categories, mapping),
        children=dict(children),
    )
    knowledge.history = _history(knowledge.parents)
    return knowledge


def _history(parents: dict[int, int | None]) -> dict[tuple[int, int | None], Counter]:
    rows = (
        Ticket.objects.filter(lead_unit__isnull=False, category__isnull=False)
        .values_list("category_id", "district_id", "lead_unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    history: dict[tuple[int, int | None], Counter] = defaultdict(Counter)
    for category_id, district_id, unit_id, n in rows:
        history[(category_id, district_id)][unit_id] += n
        parent = parents.get(category_id)
        if parent is not None:
            history[(parent, district_id)][unit_id] += n
    return dict(history)


def load_neighbours(limit: int = NEIGHBOUR_LIMIT) -> Neighbours:
    """The index of the most recent `limit` dispatched requests, with their lead units."""
    rows = list(
        Ticket.objects.filter(lead_unit__isnull=False)
        .order_by("-id")
        .values_list("pk", "title", "content", "lead_unit_id")[:limit]
    )
    built = case_index.build([str(r[0]) for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    return Neighbours(built, np.array([r[3] for r in rows], dtype=np.int64))


def _load(_key: None, previous: Knowledge | None) -> Knowledge:
    """Table, history and the neighbour index; with caching on, a neighbour index younger than
    `ROUTING_NEIGHBOURS_SECONDS` is kept (a refresh then costs ~0.6 s, not ~3.5 s, at 100,000
    requests)."""
    started = time.perf_counter()
    fresh = load_base()
    every = float(getattr(settings, "ROUTING_NEIGHBOURS_SECONDS", 3600))
    keep = (
        previous is not None
        and previous.neighbours is not None
        and cache.ttl() > 0
        and process_cache.monotonic() - previous.neighbours_at < every
    )
    if keep and previous is not None:
        fresh.neighbours, fresh.neighbours_at = previous.neighbours, previous.neighbours_at
    else:
        fresh.neighbours, fresh.neighbours_at = load_neighbours(), process_cache.monotonic()
    logger.info(
        "routing: knowledge loaded in %.1fs (neighbour index %s)",
        time.perf_counter() - started,
        "kept" if keep else "built",
    )
    return fresh


# This process's knowledge. Only the first load is on a request's path (table and history,
# without the neighbour index); later loads run in one background thread while the pages go
# on with the previous knowledge.
cache: ProcessCache[None, Knowledge] = ProcessCache(
    "routing knowledge",
    _load,
    ttl=lambda: float(getattr(settings, "ROUTING_CACHE_SECONDS", 300)),
    background=True,
    first=lambda _key: load_base(),
)


def knowledge() -> Knowledge:
    return cache.get(None)


def case_of(ticket: Ticket, guesses: Sequence[Guessed] = ()) -> Case:
    """The request as the recommender sees it; `guesses` are category guesses (`Guess`, or
    anything with category, confidence and source)."""
    return Case(
        text=f"{ticket.title}\n{ticket.content}",
        district_id=ticket.district_id,
        category_id=ticket.category_id,
        confirmed=ticket.accepted_at is not None,
        guesses=weighted((g.category.pk, g.confidence, g.source) for g in guesses),
        exclude_id=ticket.pk,
    )


def recommend_for_tickets(tickets: Sequence[Ticket], k: int = TOP) -> list[list[UnitGuess]]:
    """Top units for each ticket: one classifier call and one knowledge lookup for all."""
    known = knowledge()
    guesses = model_guesses([f"{t.title}\n{t.content}" for t in tickets], known)
    return known.recommend([case_of(t, g) for t, g in zip(tickets, guesses, strict=False)], k)
