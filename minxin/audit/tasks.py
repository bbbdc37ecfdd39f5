"""Huey tasks of the audit app: checkpoints, signed by the worker and sent to the witness.

Every hour the chain has grown, and every AUDIT_CHECKPOINT_EVERY entries (queued by the
link that crosses the mark); pending entries are linked after each commit that wrote some
(AUDIT_LINK_IN_WORKER) and every minute, whatever a busy head or a lost task left."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from minxin.audit.models import ChainHead, Checkpoint
from minxin.audit.services import checkpoint_create, link_pending


def _checkpoint_if_grown() -> int | None:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or Checkpoint.objects.filter(seq=head.seq).exists():
        return None
    # A broken chain raises here, and huey logs it: it is not signed, and someone looks.
    return checkpoint_create().seq


@db_periodic_task(crontab(minute="7"))
@lock_task("audit-checkpoint")
def checkpoint_hourly() -> int | None:
    return _checkpoint_if_grown()


@db_task(retries=2, retry_delay=30)
@lock_task("audit-checkpoint")
def checkpoint_now() -> int | None:
    return _checkpoint_if_grown()


@db_periodic_task(crontab(minute="*"))
def link_chain() -> int:
    return link_pending()


@db_task(retries=2, retry_delay=5)
def link_now() -> int:
    """Queued on the commit of a transaction that appended entries; waits for the head, so two
    of them link one after the other, and one finding nothing left is cheap."""
    return link_pending()
