"""Huey: every minute, turn new timeline steps into deliveries and send what is due."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.webhooks import delivery, fanout


@db_periodic_task(crontab(minute="*"))
@lock_task("webhooks-deliver")
def webhooks_deliver() -> int:
    fanout.fan_out()
    return delivery.deliver_due()
