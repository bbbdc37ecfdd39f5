"""What the chain covers beyond its own entries: the current values of the rows that matter.

A request's state is its own covered fields plus every row of its units (`Assignment`,
whatever fields that table carries), replies, supervision orders and oversight
evaluations. Every timeline event (the one path every step of a request takes) appends,
in the same transaction, a `state` entry `ticket:<id>` holding the SM3 digest of that
state as it is at that moment; a staff account (`staff:<id>`: username, role, unit,
flags, password hash) gets one whenever it is saved. `minxin audit verify` recomputes
each row's digest and compares it with the newest entry for it: a row changed, added or
removed directly in the database since is named.

Not covered, on purpose: fields the services change without a step of the request
(deadlines, warning levels, the optimistic-lock version), and the personal data fields,
whose ciphertext changes on key rotation (they are protected by encryption instead).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models, transaction

from minxin.audit.chain import canonical_json, iso, sm3_hex

TICKET_FIELDS = [
    "tracking_code",
    "request_type_id",
    "title",
    "content",
    "category_id",
    "district_id",
    "status",
    "lead_unit_id",
    "merged_into_id",
    "satisfaction",
    "rating_comment",
    "rated_by",
    "is_anonymous",
    "query_password_hash",
]
# Rows that belong to a request, by model label; every concrete field of each is covered.
TICKET_PARTS = [
    "tickets.Assignment",
    "tickets.Reply",
    "supervision.SupervisionOrder",
    "supervision.OversightEvaluation",
]
STAFF_FIELDS = [
    "username",
    "role",
    "unit_id",
    "display_name",
    "is_active",
    "is_staff",
    "is_superuser",
    "password",
]
DELETED = "deleted"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date | decimal.Decimal):
        return str(value)
    return value


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _digest(kind: str, pk: int, parts: dict[str, Any]) -> str:
    return sm3_hex(canonical_json([kind, pk, parts]))


def ticket_states(ids: Iterable[int]) -> dict[int, str]:
    """The digest of each request's covered state, read from the database (5 queries)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    ticket_model = apps.get_model("tickets.Ticket")
    rows: dict[int, dict[str, Any]] = {
        r["id"]: {"ticket": {k: _plain(r[k]) for k in TICKET_FIELDS}}
        for r in ticket_model.objects.filter(pk__in=ids).values("id", *TICKET_FIELDS)
    }
    for label in TICKET_PARTS:
        model = apps.get_model(label)
        for r in model.objects.filter(ticket_id__in=ids).order_by("pk").values(*_columns(model)):
            if r["ticket_id"] in rows:
                rows[r["ticket_id"]].setdefault(label, []).append(
                    {k: _plain(v) for k, v in r.items()}
                )
    return {pk: _digest("ticket", pk, parts) for pk, parts in rows.items()}


def new_ticket_state(ticket: models.Model) -> str:
    """The digest of a request created in this very transaction, from the saved instance
    without a query: none of its parts can exist yet. Equal to what `ticket_states` reads
    back (`test_coverage`)."""
    fields = {k: _plain(getattr(ticket, k)) for k in TICKET_FIELDS}
    return _digest("ticket", ticket.pk, {"ticket": fields})


def staff_states(ids: Iterable[int]) -> dict[int, str]:
    user_model = apps.get_model("accounts.User")
    return {
        r["id"]: _digest("staff", r["id"], {k: _plain(r[k]) for k in STAFF_FIELDS})
        for r in user_model.objects.filter(pk__in=list(ids)).values("id", *STAFF_FIELDS)
    }


# kind -> (model label, batch digest function)
COVERED: dict[str, tuple[str, Any]] = {
    "ticket": ("tickets.Ticket", ticket_states),
    "staff": ("accounts.User", staff_states),
}


def state_payload(digest: str | None) -> dict:
    return {"sm3": digest} if digest else {DELETED: True}


# ---- the safety net: covered rows saved after the transaction's last timeline event -----


def part_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A covered row of a request was saved (or deleted): make sure the chain holds the
    request's state once this transaction commits. A timeline event later in the same
    transaction already records it; this catches writes after it, or without one (e.g.
    closing a supervision order), in whatever service they happen."""
    if raw:
        return
    ticket_id = instance.pk if sender._meta.label == "tickets.Ticket" else instance.ticket_id
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _witness_changed({ticket_id}, {})
        return
    if not any(func is _flush for _, func, _ in connection.run_on_commit):
        connection.minxin_pending = set()
        connection.minxin_recorded = {}
        transaction.on_commit(_flush)
    connection.minxin_pending.add(ticket_id)


def note_recorded(ticket_id: int, digest: str | None) -> None:
    """record() has just chained this state: the flush need not repeat it."""
    connection = transaction.get_connection()
    recorded = getattr(connection, "minxin_recorded", None)
    if recorded is not None:
        recorded[ticket_id] = digest
    # Writes before this record are in its digest; a write after it adds the id back.
    pending: set[int] = getattr(connection, "minxin_pending", set())
    pending.discard(ticket_id)


def _flush() -> None:
    connection = transaction.get_connection()
    pending: set[int] = getattr(connection, "minxin_pending", set())
    recorded: dict[int, str | None] = getattr(connection, "minxin_recorded", {})
    connection.minxin_pending, connection.minxin_recorded = set(), {}
    if pending:
        _witness_changed(pending, recorded)


def _witness_changed(ids: set[int], recorded: dict[int, str | None]) -> None:
    from minxin.audit.services import chain_append_many
    from minxin.core import clock

    now, states = clock.now(), ticket_states(ids)
    items = [
        ("state", f"ticket:{pk}", state_payload(states.get(pk)), now)
        for pk in sorted(ids)
        if pk not in recorded or recorded[pk] != states.get(pk)
    ]
    if items:
        with transaction.atomic():
            chain_append_many(items)


def staff_saved(
    sender: Any, instance: Any, update_fields: Any = None, raw: bool = False, **kwargs: Any
) -> None:
    """Witness a staff account's covered values whenever they may have changed. A signal,
    because accounts are written by the admin, commands and Django itself, not one service."""
    if raw or (
        update_fields is not None
        and not set(update_fields) & {f.removesuffix("_id") for f in STAFF_FIELDS}
        | set(STAFF_FIELDS)
    ):
        return  # e.g. Django's own last_login update
    from minxin.audit.services import chain_append

    chain_append(
        kind="state",
        ref=f"staff:{instance.pk}",
        payload=state_payload(staff_states([instance.pk]).get(instance.pk)),
    )


def staff_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from minxin.audit.services import chain_append

    chain_append(kind="state", ref=f"staff:{instance.pk}", payload=state_payload(None))
