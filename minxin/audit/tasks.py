"""Huey task of the audit app: sign a checkpoint every hour the chain has grown."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.audit.models import ChainHead, Checkpoint
from minxin.audit.services import checkpoint_create


@db_periodic_task(crontab(minute="7"))
@lock_task("audit-checkpoint")
def checkpoint_hourly() -> int | None:
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or Checkpoint.objects.filter(seq=head.seq).exists():
        return None
    # A broken chain raises here, and huey logs it: it is not signed, and someone looks.
    return checkpoint_create().seq
