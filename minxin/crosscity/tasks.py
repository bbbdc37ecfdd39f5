"""Huey tasks: send one message as its transaction commits, and the due ones every minute."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from minxin.crosscity import outbox


@db_task(retries=0)
def deliver_message(message_id: str) -> bool:
    return outbox.deliver(message_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("crosscity-deliver-due")
def deliver_due() -> int:
    return outbox.deliver_due()
