"""The cases the index holds, and the one index each process keeps of them.

Cases are the imported public library (`PublicCase`) and the platform's own requests that were
closed with an approved public reply. The index is built on first use, saved under
`SIMILAR_INDEX_DIR` (default `<MINXIN_DATA_DIR>/similar`) so the next process loads it instead
of rebuilding, and rebuilt when the corpus version changes, checked at most every
`CHECK_SECONDS` so a search costs no extra queries, and rebuilt at most every
`REBUILD_SECONDS` so a city closing requests all day does not rebuild all day.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from minxin.core import process_cache
from minxin.core.process_cache import ProcessCache
from minxin.similar import index as case_index
from minxin.similar.models import PublicCase
from minxin.tickets.models import Reply, Status, Ticket

logger = logging.getLogger(__name__)
CHECK_SECONDS = 60
REBUILD_SECONDS = 600
PUBLIC, TICKET = "case", "ticket"
_BATCH = 2000


def closed_cases() -> QuerySet[Ticket]:
    """Requests closed with a reply the public has seen: those may be shown as examples."""
    approved = Reply.objects.filter(ticket=OuterRef("pk"), review=Reply.Review.APPROVED)
    return Ticket.objects.filter(Exists(approved), status__in=[Status.CLOSED, Status.ARCHIVED])


def corpus_version() -> str:
    cases = PublicCase.objects.aggregate(n=Count("id"), last=Max("id"), at=Max("imported_at"))
    tickets = closed_cases().aggregate(n=Count("id"), at=Max("closed_at"))
    raw = f"{cases['n']}:{cases['last']}:{cases['at']}:{tickets['n']}:{tickets['at']}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def documents() -> Iterator[tuple[str, str, str]]:
    """(key, title, text) of every case, streamed in batches."""
    for pk, title, text in PublicCase.objects.values_list("pk", "title", "text").iterator(_BATCH):
        yield f"{PUBLIC}:{pk}", title, text
    for pk, title, text in closed_cases().values_list("pk", "title", "content").iterator(_BATCH):
        yield f"{TICKET}:{pk}", title, text


def build_index(version: str) -> case_index.CaseIndex:
    keys, titles, bodies = [], [], []
    for key, title, text in documents():
        keys.append(key)
        titles.append(title)
        bodies.append(text)
    return case_index.build(keys, titles, bodies, version=version)


def index_dir() -> Path:
    return Path(getattr(settings, "SIMILAR_INDEX_DIR", "") or settings.DATA_DIR / "similar")


@dataclass(frozen=True)
class _Held:
    index: case_index.CaseIndex
    built: float  # when this process built or loaded it


def _current(_key: None, previous: _Held | None) -> _Held:
    """The held index, unless the corpus changed and the last build is old enough."""
    version = corpus_version()
    now = process_cache.monotonic()
    if previous is None or (
        previous.index.version != version and now - previous.built >= REBUILD_SECONDS
    ):
        return _Held(_load_or_build(version), now)
    return previous


def _load_or_build(version: str) -> case_index.CaseIndex:
    path = index_dir() / f"index-{version}.npz"
    if path.exists():
        try:
            return case_index.CaseIndex.load(path)
        except (OSError, ValueError, KeyError):
            logger.warning("similar-case index %s unreadable; rebuilding", path)
    started = time.perf_counter()
    built = build_index(version)
    logger.info("similar-case index: %d cases in %.1fs", len(built), time.perf_counter() - started)
    try:
        built.save(path)
        for old in path.parent.glob("index-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        # A read-only data directory costs a rebuild per process, nothing more.
        logger.warning("could not save the similar-case index to %s", path, exc_info=True)
    return built


# This process's index, looked at again (one query) at most every CHECK_SECONDS.
indexes: ProcessCache[None, _Held] = ProcessCache(
    "similar cases", _current, ttl=lambda: CHECK_SECONDS
)


def current_index() -> case_index.CaseIndex:
    return indexes.get(None).index
