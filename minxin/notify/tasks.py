"""Huey tasks of the notify app: deliver one message, and a periodic catch-all."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from minxin.notify import services


@db_task(retries=0)
def deliver_message(channel: str, message_id: int) -> bool:
    return services.deliver(channel, message_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("notify-deliver-due")
def deliver_due() -> int:
    return services.deliver_due()
