"""The retry of analyses that failed at submission, as a task to queue by hand.

The deadline sweep runs the same retry first thing every minute (`supervision.sweeps`), so
this task has no schedule of its own.
"""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task, lock_task

from minxin.risk.services import analyse_missed

logger = logging.getLogger(__name__)


@db_task()
@lock_task("risk-analyse-missed")
def analyse_missed_requests() -> int:
    done = analyse_missed()
    if done:
        logger.warning("analysed %s requests whose analysis had failed at submission", done)
    return done
