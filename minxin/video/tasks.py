"""The worker reminds everyone of the video sessions about to start."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.video import services


@db_periodic_task(crontab(minute="*"))
@lock_task("video-remind-due")
def remind_due() -> int:
    return services.remind_due()
