"""The sweeps' claim loop: claim a batch with `FOR UPDATE SKIP LOCKED`, act on it in the same
transaction (changing what made each row due), and go on until nothing is due. Several
workers share the work without overlap, and a pass run twice finds nothing the second time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction

Row = TypeVar("Row")


def claim_loop(claim: Callable[[], Sequence[Row]], act: Callable[[Sequence[Row]], None]) -> int:
    """Run `act` on each batch `claim` locks, one transaction a batch; the rows acted on."""
    total = 0
    while True:
        with transaction.atomic():
            rows = claim()
            if not rows:
                return total
            act(rows)
        total += len(rows)
