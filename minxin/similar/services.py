"""Similar cases for citizens (智能预判), the public case library, and resolving duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from minxin.accounts.models import Role
from minxin.core import clock
from minxin.core.errors import Conflict, NotFound, PermissionDenied
from minxin.privacy.services import scrub
from minxin.similar.corpus import PUBLIC, TICKET, current_index
from minxin.similar.hooks import redacted
from minxin.similar.models import DuplicateFlag, PublicCase
from minxin.tickets.actors import Actor
from minxin.tickets.models import Reply, Ticket
from minxin.tickets.services import ticket_merge

MAX_QUERY = 2000
MAX_RESULTS = 20
MIN_SCORE = 0.05
EXCERPT, REPLY_EXCERPT = 120, 300


def similar_cases(query: str, k: int = 5) -> list[dict]:
    """The `k` handled cases most like the citizen's keywords or draft, best first:
    {source, id, title, excerpt, reply_excerpt, reply_date, score}."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return []
    k = max(1, min(k, MAX_RESULTS))
    # Fetch extra: the same case can be on file more than once (a library imported under two
    # names, a request and its repeat), and a citizen should see k different answers.
    hits = [
        (key, score) for key, score in current_index().search(query, 3 * k) if score >= MIN_SCORE
    ]
    found = _public_cases([key for key, _ in hits]) | _ticket_cases([key for key, _ in hits])
    results, seen = [], set()
    for key, score in hits:
        case = found.get(key)  # None: deleted since the index was built
        same = (
            (case["title"], " ".join(case["reply_excerpt"].split())[:REPLY_EXCERPT]) if case else ()
        )
        if case is None or same in seen:
            continue
        seen.add(same)
        results.append(dict(case, score=round(score, 3)))
        if len(results) == k:
            break
    # Redaction costs tens of milliseconds a text: only the k cases shown pay it.
    return [_displayed(case) for case in results]


def _displayed(case: dict) -> dict:
    """A case as anyone may read it: every text redacted (similar.hooks.redacted), whole
    enough before it is cut that nothing personal is cut in half past the rules."""
    return dict(
        case,
        title=redacted(case["title"]),
        excerpt=_excerpt(case["excerpt"], EXCERPT),
        reply_excerpt=_excerpt(case["reply_excerpt"], REPLY_EXCERPT),
    )


def _excerpt(text: str, length: int) -> str:
    # Twice the excerpt: masks are shorter than what they hide, never longer by that much.
    text = " ".join(redacted(scrub(text[: 2 * length]).replace("_x000D_", " ")).split())
    return text if len(text) <= length else text[:length] + "…"


def _ids(keys: list[str], source: str) -> list[int]:
    return [int(key.partition(":")[2]) for key in keys if key.startswith(f"{source}:")]


def _public_cases(keys: list[str]) -> dict[str, dict]:
    cases = PublicCase.objects.filter(pk__in=_ids(keys, PUBLIC))
    return {
        f"{PUBLIC}:{c.pk}": {
            "source": PUBLIC,
            "id": c.pk,
            "title": c.title,
            "excerpt": c.text,
            "reply_excerpt": c.reply,
            "reply_date": c.reply_date,
        }
        for c in cases
    }


def _ticket_cases(keys: list[str]) -> dict[str, dict]:
    tickets = Ticket.objects.filter(pk__in=_ids(keys, TICKET)).only("pk", "title", "content")
    replies = {
        r.ticket_id: r
        for r in Reply.objects.filter(
            ticket_id__in=[t.pk for t in tickets], review=Reply.Review.APPROVED
        ).order_by("id")
    }
    return {
        f"{TICKET}:{t.pk}": {
            "source": TICKET,
            "id": t.pk,
            "title": t.title,
            "excerpt": t.content,
            "reply_excerpt": replies[t.pk].public_reply,
            "reply_date": replies[t.pk].published_at,
        }
        for t in tickets
        if t.pk in replies
    }


# ---- the public case library --------------------------------------------------------------


def _moment(value: str | None) -> dt.datetime | None:
    parsed = parse_datetime((value or "").strip()) if value else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def public_cases_import(*, rows: Iterable[dict[str, str]], source: str) -> dict[str, int]:
    """Insert or update cases by (source, id); rows need id, title, text and reply."""
    existing = dict(PublicCase.objects.filter(source=source).values_list("external_id", "pk"))
    new: list[PublicCase] = []
    changed: list[PublicCase] = []
    skipped, now = 0, clock.now()
    for row in rows:
        external_id, title = (row.get("id") or "").strip(), (row.get("title") or "").strip()
        if not (external_id and title and row.get("text") and row.get("reply")):
            skipped += 1
            continue
        case = PublicCase(
            pk=existing.get(external_id),
            source=source,
            external_id=external_id,
            title=title[:200],
            text=row["text"],
            reply=row["reply"],
            date=_moment(row.get("date")),
            reply_date=_moment(row.get("reply_date")),
            imported_at=now,
        )
        (changed if case.pk else new).append(case)
    with transaction.atomic():
        PublicCase.objects.bulk_create(new, batch_size=500)
        PublicCase.objects.bulk_update(
            changed, ["title", "text", "reply", "date", "reply_date", "imported_at"], batch_size=500
        )
    return {"created": len(new), "updated": len(changed), "skipped": skipped}


# ---- resolving duplicate flags -----------------------------------------------------------


def _lock_flag(flag_id: int, actor: Actor) -> DuplicateFlag:
    if not actor.has_role(Role.INTAKE, Role.ADMIN):
        raise PermissionDenied("您没有执行此操作的权限", code="forbidden_role")
    flag = DuplicateFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("疑似重复记录不存在", code="flag_not_found")
    if flag.resolved:
        raise Conflict("该疑似重复已处理", code="flag_resolved")
    return flag


@transaction.atomic
def duplicate_merge(*, flag_id: int, actor: Actor, note: str = "") -> Ticket:
    """并案: handle the flagged request as part of the one it repeats (both keep their
    citizens and timelines, see `ticket_merge`), and close every open flag of it."""
    flag = _lock_flag(flag_id, actor)
    note = note or f"{flag.get_kind_display()}（相似度{flag.score:.2f}）"
    merged = ticket_merge(
        ticket_id=flag.ticket_id, into_id=flag.similar_to_id, actor=actor, note=note
    )
    DuplicateFlag.objects.filter(ticket_id=flag.ticket_id, resolved=False).update(resolved=True)
    return merged


@transaction.atomic
def duplicate_dismiss(*, flag_id: int, actor: Actor) -> DuplicateFlag:
    """Intake judged the two requests different: the flag is closed, nothing else changes."""
    flag = _lock_flag(flag_id, actor)
    flag.resolved = True
    flag.save(update_fields=["resolved"])
    return flag
