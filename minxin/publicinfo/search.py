"""One search over everything public: typical cases, service guides, notices (and policies).

Each document is one `SearchEntry` whose `words` are its title and text cut by jieba's search
mode (`cut_for_search`: a long word and the shorter words inside it, so "自来水公司" is found by
"自来水" too), space-separated. The database's own engine indexes them:

- SQLite: an FTS5 table `publicinfo_search_fts` (default `unicode61` tokenizer, which takes a
  space-separated word as one token) written here, not by triggers, so a migration that rebuilds
  the entry table cannot leave the index behind; ranked by bm25.
- PostgreSQL: a generated `tsvector` column `tsv` = `words::tsvector` under a GIN index. The cast
  takes the words as they are (the 'simple' configuration's parser would split or drop CJK
  depending on the database's locale); ranked by `ts_rank`. pg_trgm was not chosen: a trigram
  index cannot serve the one- and two-character words most Chinese searches are made of.

A query is cut by jieba's precise mode; stopwords go. `match="all"` wants every word (the search
box), `match="any"` ranks documents by how many and which words they share (the assistant).
On PostgreSQL ranking reads at most RANK_WINDOW matching rows, so a very common word costs a
bounded amount (docs/benchmarks.md, the public search at 1,000,000 documents).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from minxin.core import clock
from minxin.publicinfo.models import SearchEntry

WORD = re.compile(r"^[0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+$")
MAX_QUERY_WORDS = 12
MAX_QUERY_CHARS = 200
RANK_WINDOW = 200
SNIPPET_CHARS = 120


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def index_words(*texts: str) -> str:
    """The words of TEXTS for the index, in order, space-separated."""
    jieba = _jieba()
    words = []
    for text in texts:
        words += [w for w in jieba.cut_for_search((text or "").lower()) if WORD.match(w)]
    return " ".join(words)


def query_words(query: str) -> list[str]:
    """The distinct words of a query worth looking up, at most MAX_QUERY_WORDS."""
    from minxin.nlp.preprocess import stopwords

    stop = stopwords()
    cut = _jieba().cut(query[:MAX_QUERY_CHARS].lower())
    words = [w for w in cut if WORD.match(w) and w not in stop]
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    score: float


def entry_write(
    *,
    kind: str,
    ref_id: int,
    title: str,
    body: str,
    url: str,
    updated_at: dt.datetime,
    district_id: int | None = None,
    category_id: int | None = None,
    unit_id: int | None = None,
    valid_until: dt.datetime | None = None,
) -> SearchEntry:
    """Add or replace one public document in the index."""
    with transaction.atomic():
        entry, _ = SearchEntry.objects.update_or_create(
            kind=kind,
            ref_id=ref_id,
            defaults={
                "title": title[:200],
                "snippet": " ".join(body.split())[:SNIPPET_CHARS],
                "url": url,
                "words": index_words(title, body),
                "district_id": district_id,
                "category_id": category_id,
                "unit_id": unit_id,
                "updated_at": updated_at,
                "valid_until": valid_until,
            },
        )
        if connection.vendor == "sqlite":
            _fts_write([(entry.pk, entry.words)])
    return entry


def entry_remove(*, kind: str, ref_id: int) -> None:
    with transaction.atomic():
        ids = list(
            SearchEntry.objects.filter(kind=kind, ref_id=ref_id).values_list("pk", flat=True)
        )
        if ids and connection.vendor == "sqlite":
            _fts_delete(ids)
        SearchEntry.objects.filter(pk__in=ids).delete()


def _fts_write(rows: list[tuple[int, str]]) -> None:
    _fts_delete([pk for pk, _ in rows])
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO publicinfo_search_fts(rowid, words) VALUES (%s, %s)", rows)


def _fts_delete(ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM publicinfo_search_fts WHERE rowid = %s", [[i] for i in ids])


def search(
    query: str,
    *,
    kinds: list[str] | None = None,
    filters: dict[str, int | None] | None = None,
    match: str = "all",
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Documents holding the query's words, best first. FILTERS: district_id, category_id,
    unit_id. An empty query (or one of stopwords only) finds nothing."""
    words = query_words(query)
    if not words:
        return []
    where, params = _filters(kinds, filters or {})
    joiner = " AND " if match == "all" else " OR "
    if connection.vendor == "postgresql":
        tsquery = (" & " if match == "all" else " | ").join(f"'{w}'" for w in words)
        sql = (
            "SELECT id, ts_rank(tsv, q, 1) AS score FROM ("
            "  SELECT e.id, e.tsv, %s::tsquery AS q FROM publicinfo_searchentry e"
            f"  WHERE e.tsv @@ %s::tsquery{where} LIMIT {RANK_WINDOW}"
            ") c ORDER BY score DESC, id DESC LIMIT %s OFFSET %s"
        )
        rows = _rows(sql, [tsquery, tsquery, *params, limit, offset])
    else:
        sql = (
            "SELECT e.id, -bm25(publicinfo_search_fts) AS score FROM publicinfo_search_fts "
            "JOIN publicinfo_searchentry e ON e.id = publicinfo_search_fts.rowid "
            f"WHERE publicinfo_search_fts MATCH %s{where} ORDER BY score DESC, e.id DESC "
            "LIMIT %s OFFSET %s"
        )
        rows = _rows(sql, [joiner.join(f'"{w}"' for w in words), *params, limit, offset])
    entries = SearchEntry.objects.in_bulk([pk for pk, _ in rows])
    return [Hit(entries[pk], float(score)) for pk, score in rows if pk in entries]


def _filters(kinds: list[str] | None, filters: dict[str, int | None]) -> tuple[str, list[Any]]:
    where = " AND (e.valid_until IS NULL OR e.valid_until >= %s)"
    params: list[Any] = [clock.now()]
    if kinds:
        where += " AND e.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
        params += kinds
    for column in ("district_id", "category_id", "unit_id"):
        if filters.get(column) is not None:
            where += f" AND e.{column} = %s"
            params.append(filters[column])
    return where, params


def _rows(sql: str, params: list[Any]) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def hit_dict(hit: Hit) -> dict[str, Any]:
    entry = hit.entry
    return {
        "kind": entry.kind,
        "kind_label": SearchEntry.Kind(entry.kind).label,
        "title": entry.title,
        "snippet": entry.snippet,
        "url": entry.url,
        "score": round(hit.score, 4),
    }
