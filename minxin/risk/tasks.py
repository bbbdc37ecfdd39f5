"""Reading a request in the worker: queued after its submission commits, and the retry of
the readings that failed, as a task to queue by hand.

The deadline sweep runs the same retry first thing every minute (`supervision.sweeps`), so
neither task has a schedule of its own.
"""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task, lock_task

from minxin.risk.models import MissedAnalysis
from minxin.risk.services import analyse_missed, analyse_waiting

logger = logging.getLogger(__name__)


@db_task()
@lock_task("risk-analyse-missed")
def analyse_missed_requests() -> int:
    done = analyse_missed()
    if done:
        logger.warning("analysed %s requests whose analysis had failed at submission", done)
    return done


class AnalysisFailed(RuntimeError):
    """Raised so that Huey retries the task; the note stays for the sweep meanwhile."""


@db_task(retries=2, retry_delay=20)
def analyse_request(ticket_id: int) -> bool:
    """Read a request just submitted (`services.analysis_queue`). Safe to run twice or
    beside the sweep: the note is claimed under a row lock and a read request is skipped."""
    if analyse_waiting(ticket_id=ticket_id):
        return True
    if MissedAnalysis.objects.filter(ticket_id=ticket_id, attempts__gt=0).exists():
        raise AnalysisFailed(f"the analysis of request {ticket_id} failed")
    return False
