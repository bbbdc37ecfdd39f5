"""Hot topics (民生热点): requests clustered by what they say, each topic named by its
keywords and ranked by a heat index.

The method, measured on the real messages in docs/analytics.md ("Hot spots"):
- each request is jieba-segmented (`nlp.preprocess.tokenize`), its title counted twice: a
  title says what the matter is, the body wanders;
- TF-IDF over those words (sublinear counts; words in fewer than 2 requests or in more than
  20% of them are dropped: the first say nothing shared, the second nothing particular;
  the second rule only from COMMON_FROM requests on, below which one topic may be most);
- average-linkage agglomerative clustering on cosine distance, cut at DISTANCE: a topic is
  a set of requests whose mean pairwise likeness is high. No number of topics is fixed;
- a topic of at least MIN_SIZE requests is kept, named by the words of highest mean weight.

Heat index (`heat`): ln(1 + size) + LIKES_WEIGHT·ln(1 + likes) + concentration, where
concentration is the share of the topic's requests in its busiest WINDOW_DAYS days: many
requests, broad public support and a short burst all make a topic hotter.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from minxin.nlp.preprocess import tokenize

DISTANCE = 0.8
MIN_SIZE = 3
KEYWORDS = 6
LIKES_WEIGHT = 0.5
WINDOW_DAYS = 30
BODY_CHARS = 400
# Clustering holds a square matrix of distances: 6,000 requests take 144 MB (float32).
MAX_DOCS = 6000
COMMON_FROM = 200
# The masked district codes of the shared data (A3区, A7县): a message file has no district
# field. A request's place is its district (`Doc.district`), never guessed from its text.
PLACE = re.compile(r"A\d{1,2}[区县]")


@dataclass(frozen=True)
class Doc:
    id: str | int
    title: str
    text: str
    at: dt.datetime
    likes: int = 0
    district: str = ""


@dataclass
class Topic:
    keywords: list[str]
    docs: list[Doc]
    centroid: np.ndarray = field(repr=False)
    previous: int | None = None

    @property
    def size(self) -> int:
        return len(self.docs)

    @property
    def likes(self) -> int:
        return sum(d.likes for d in self.docs)

    @property
    def first_at(self) -> dt.datetime:
        return min(d.at for d in self.docs)

    @property
    def last_at(self) -> dt.datetime:
        return max(d.at for d in self.docs)

    @property
    def concentration(self) -> float:
        """Share of the requests in the busiest WINDOW_DAYS days (1.0: all within it)."""
        times = sorted(d.at for d in self.docs)
        window, best, lo = dt.timedelta(days=WINDOW_DAYS), 0, 0
        for hi, at in enumerate(times):
            while at - times[lo] > window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best / len(times)

    @property
    def heat(self) -> float:
        return math.log1p(self.size) + LIKES_WEIGHT * math.log1p(self.likes) + self.concentration

    @property
    def growth(self) -> float | None:
        """Change against the previous period of the same length (1.0 = doubled); None when
        the topic had no request then (a new topic)."""
        if not self.previous:
            return None
        return (self.size - self.previous) / self.previous

    def places(self) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for doc in self.docs:
            found = {doc.district} if doc.district else set(PLACE.findall(doc.title + doc.text))
            counts.update(found)
        return counts.most_common(5)


def words(doc: Doc) -> str:
    title = tokenize(doc.title)
    return " ".join(title + title + tokenize(doc.text, BODY_CHARS))


def topics_find(
    docs: Sequence[Doc],
    *,
    distance: float = DISTANCE,
    min_size: int = MIN_SIZE,
    previous: Sequence[Doc] = (),
) -> list[Topic]:
    """The topics among `docs`, hottest first. `previous` (the period before) gives each
    topic its earlier count: requests then that lie within `distance` of its centre."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    docs = list(docs)[-MAX_DOCS:]
    if len(docs) < max(2, min_size):
        return []
    common = 0.2 if len(docs) >= COMMON_FROM else 1.0
    vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=2, max_df=common)
    try:
        matrix = vectorizer.fit_transform([words(d) for d in docs])
    except ValueError:  # no word shared by two requests
        return []
    distances = cosine_distances(matrix).astype(np.float32)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=distance
    ).fit_predict(distances)
    terms = vectorizer.get_feature_names_out()
    topics = []
    for label, n in Counter(labels).items():
        if n < min_size:
            continue
        members = np.flatnonzero(labels == label)
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        keywords = [str(terms[i]) for i in np.argsort(-centroid)[:KEYWORDS] if centroid[i] > 0]
        topics.append(Topic(keywords, [docs[i] for i in members], centroid))
    if previous:
        _count_previous(topics, vectorizer.transform([words(d) for d in previous]), distance)
    return sorted(topics, key=lambda t: (-t.heat, str(t.docs[0].id)))


def _count_previous(topics: list[Topic], earlier: object, distance: float) -> None:
    from sklearn.metrics.pairwise import cosine_similarity

    if not topics:
        return
    centres = np.vstack([t.centroid for t in topics])
    likeness = cosine_similarity(earlier, centres)
    nearest, best = likeness.argmax(axis=1), likeness.max(axis=1)
    counts = Counter(int(i) for i, s in zip(nearest, best, strict=True) if s >= 1 - distance)
    for i, topic in enumerate(topics):
        topic.previous = counts.get(i, 0)


def as_json(topic: Topic, rank: int) -> dict:
    """One topic as the `hotspots` command and the stored snapshot give it."""
    return {
        "rank": rank,
        "keywords": topic.keywords,
        "size": topic.size,
        "likes": topic.likes,
        "heat": round(topic.heat, 3),
        "concentration": round(topic.concentration, 3),
        "first": topic.first_at.isoformat(),
        "last": topic.last_at.isoformat(),
        "previous": topic.previous,
        "growth": None if topic.growth is None else round(topic.growth, 3),
        "places": [{"name": n, "count": c} for n, c in topic.places()],
        "ids": [d.id for d in sorted(topic.docs, key=lambda d: d.at)],
        "titles": [d.title for d in sorted(topic.docs, key=lambda d: -d.likes)[:3]],
    }
