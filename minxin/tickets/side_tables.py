"""Tables beside the request that one feature each reads: the cases shared with the oversight
group (监督小组) and the SQLite text search's grams. Declared here to keep `tickets.models` to
the request's own life; `tickets.models` re-exports them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OversightShare(models.Model):
    """A case shared read-only with a member of the oversight group (监督小组)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="oversight_shares"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oversight_shares"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "member"], name="uniq_oversight_share")
        ]

    def __str__(self) -> str:
        return f"{self.ticket} · {self.member}"


class TicketText(models.Model):
    """A request's title and content as character bigrams, for the staff text search on SQLite.

    Written by `tickets.textsearch`, under an FTS5 table made by migration 0009. On PostgreSQL
    the grams are a column of the request's own row instead (`tickets_ticket.grams`, outside
    Django's model; see `tickets.textsearch`) and this table stays empty.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="text_index"
    )
    grams = models.TextField()

    def __str__(self) -> str:
        return str(self.ticket)
