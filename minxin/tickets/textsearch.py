"""Find requests whose title or content contains a term, from an index, on both databases.

A "contains" search cannot use an ordinary index, and PostgreSQL's trigram index cannot serve
the one- and two-character terms that Chinese searches mostly are (水管, 噪音, 漏). So each
request's title and content are also stored as the set of their character bigrams, indexed by
the database's own full-text engine (migration 0009):

- PostgreSQL: a `tsvector` column `tickets_ticket.grams` with a GIN index. It is on the request's
  own row so that the planner can combine it with the other filters' indexes (text + status:
  21 ms against 110 ms from a separate table, at 100,000 requests). Django's model does not
  declare it, so no ordinary read or save carries the 2 KB of grams; only this module touches it.
- SQLite: the `TicketText` table under an FTS5 index kept in step by triggers. A separate table,
  because SQLite migrations rebuild `tickets_ticket` and would drop a column Django does not know.

A text holding a term holds every bigram of it, so the index returns a superset of the matches;
the ordinary `icontains` on the few rows it returns keeps the answer exact. Only ASCII letters,
digits and CJK ideographs make grams (the characters both engines take as word characters);
anything else splits a run. A run's last character is kept on its own, so a one-character term
is a prefix query: "漏" finds the bigrams "漏水", "漏雨" ... and a 漏 that ends a run.

The index is written where a request's text is written: at submission and when personal data is
erased (privacy), so erased text leaves the index too. `minxin search-reindex` rebuilds it.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from minxin.tickets.models import Ticket, TicketText

WORD_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
BATCH = 1_000
# Up to this many candidates are fetched and looked up by id; more are walked in list order.
CANDIDATE_LIMIT = 2_000


def _runs(text: str) -> list[str]:
    return WORD_RUN.findall(text.lower())


def grams(*texts: str) -> str:
    """The bigrams of TEXTS and each word run's last character, distinct, space-separated."""
    seen: dict[str, None] = {}
    for text in texts:
        for run in _runs(text):
            for i in range(len(run) - 1):
                seen[run[i : i + 2]] = None
            seen[run[-1]] = None
    return " ".join(seen)


def query_grams(term: str) -> list[tuple[str, bool]]:
    """(gram, is_prefix) pairs that every text containing TERM holds; [] if none can be used."""
    wanted: dict[tuple[str, bool], None] = {}
    for run in _runs(term):
        if len(run) == 1:
            wanted[(run, True)] = None
        for i in range(len(run) - 1):
            wanted[(run[i : i + 2], False)] = None
    return list(wanted)


def contains(term: str, *, walk: bool = True) -> Q:
    """Title or content contains TERM (case-insensitive for Latin letters, as `icontains`).
    WALK: the query reads a page of a list in its own order (see `indexed`); a count or an
    existence check passes False."""
    # A term without letters (most Chinese ones) reads the same in any case: a plain LIKE, on
    # PostgreSQL without UPPER() over every row's content (measured: 131 ms of 167 ms).
    lookup = "icontains" if any(ch.lower() != ch.upper() for ch in term) else "contains"
    exact = Q(**{f"title__{lookup}": term}) | Q(**{f"content__{lookup}": term})
    candidates = indexed(term, walk=walk)
    return exact if candidates is None else candidates & exact


def indexed(term: str, *, walk: bool = True) -> Q | None:
    """The requests whose index holds every gram of TERM (a superset of the matches), or None
    when TERM has no gram to look up (only punctuation or symbols: the caller scans).

    On SQLite, whose planner knows nothing of the FTS table, the candidates are fetched first.
    A few (a rare term) become a list of ids, which the database looks up and sorts. Many (a
    common term) stay a subquery. To read a page (WALK), a unary plus keeps the ids from
    driving the plan: the list is walked in its own order and stops after one page, where
    SQLite would fetch and sort every candidate. A count wants the opposite: driven by the
    candidates it stops at its cap, where walking the list would read the whole table."""
    wanted = query_grams(term)
    if not wanted:
        return None
    if _postgres():
        # The planner knows each gram's frequency (tsvector statistics) and UPPER(column)'s
        # (migration 0009): it picks between the GIN index and walking the list itself.
        return Q(
            RawSQL(
                '"tickets_ticket"."grams" @@ to_tsquery(\'simple\', %s)',
                [_tsquery(wanted)],
                output_field=BooleanField(),
            )
        )
    sql, param = _match(wanted)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {CANDIDATE_LIMIT + 1}", [param])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= CANDIDATE_LIMIT:
        return Q(pk__in=ids)
    if not walk:
        return Q(pk__in=RawSQL(sql, [param]))
    walk_list = RawSQL(f'+"tickets_ticket"."id" IN ({sql})', [param], output_field=BooleanField())
    return Q(walk_list)


def _match(wanted: list[tuple[str, bool]]) -> tuple[str, str]:
    """SQLite: the SELECT of the ids whose index holds every gram in WANTED, and its parameter."""
    query = " ".join(f'"{gram}"' + ("*" if prefix else "") for gram, prefix in wanted)
    return ("SELECT rowid FROM tickets_tickettext_fts WHERE tickets_tickettext_fts MATCH %s", query)


def _tsquery(wanted: list[tuple[str, bool]]) -> str:
    return " & ".join(f"'{gram}'" + (":*" if prefix else "") for gram, prefix in wanted)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def index(ticket: Ticket) -> None:
    """Write TICKET's grams; call wherever its title or content is written."""
    _write([(ticket.pk, grams(ticket.title, ticket.content))])


def missing() -> QuerySet[Ticket]:
    """Requests with no grams yet (rows a bulk load wrote past the services)."""
    if _postgres():
        return Ticket.objects.filter(
            Q(RawSQL('"tickets_ticket"."grams" IS NULL', [], output_field=BooleanField()))
        )
    return Ticket.objects.filter(text_index__isnull=True)


def reindex(tickets: QuerySet[Ticket] | None = None, *, batch: int = BATCH) -> int:
    """Rebuild the grams of TICKETS (default: every request); returns how many were written.

    The ids are read first and the texts batch by batch, so the writes never disturb a cursor
    still reading (SQLite has no isolation between the queries of one connection)."""
    ids = list(
        (tickets if tickets is not None else Ticket.objects.all())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = Ticket.objects.filter(pk__in=ids[start : start + batch]).only("title", "content")
        _write([(t.pk, grams(t.title, t.content)) for t in chunk])
    return len(ids)


def _write(rows: list[tuple[int, str]]) -> None:
    with transaction.atomic():
        if _postgres():
            with connection.cursor() as cursor:
                postgres_update(cursor, rows)
            return
        TicketText.objects.filter(ticket_id__in=[pk for pk, _ in rows]).delete()
        TicketText.objects.bulk_create([TicketText(ticket_id=pk, grams=text) for pk, text in rows])


def postgres_update(cursor: Any, rows: list[tuple[int, str]]) -> None:
    """Set the grams of ROWS (id, grams) in one statement. tsvector's input syntax is
    space-separated lexemes: the grams go in as they are."""
    if rows:
        values = ", ".join(["(%s, %s)"] * len(rows))
        cursor.execute(
            f"UPDATE tickets_ticket AS t SET grams = v.grams::tsvector "
            f"FROM (VALUES {values}) AS v(id, grams) WHERE t.id = v.id",
            [value for row in rows for value in row],
        )
