"""The periodic retry of analyses that failed at submission."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from minxin.risk.services import analyse_missed

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("risk-analyse-missed")
def analyse_missed_requests() -> int:
    done = analyse_missed()
    if done:
        logger.warning("analysed %s requests whose analysis had failed at submission", done)
    return done
