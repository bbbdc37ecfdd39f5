"""Where the apps built on the tickets app act at a request's steps (core.hooks): the tickets
app calls each hook where the step stands, in its transaction; the app named registers the
function from its AppConfig.ready(). The tickets app imports none of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from minxin.core.hooks import Hook

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from minxin.accounts.models import User
    from minxin.tickets.actors import Actor
    from minxin.tickets.models import Ticket

# ---- every step ---------------------------------------------------------------------------


@Hook
def step_recorded(ticket: Ticket, at: dt.datetime) -> None:
    """`timeline.record`, once the step is written and chained: the days whose figures the
    step may change are marked for the worker (analytics: `marks.touch`)."""


@Hook
def steps_recorded(tickets: Sequence[Ticket], at: dt.datetime) -> None:
    """`timeline.record_many`: as `step_recorded`, for a step on each of many requests at
    one moment (analytics: `marks.touch_many`)."""


# ---- submission, intake, dispatch ---------------------------------------------------------


@Hook
def submitted(ticket: Ticket) -> object:
    """`ticket_submit`, after the submit step: the request is to be read (risk:
    `services.analysis_queue`: keywords, duplicate flags, the risk level and the alerts, in
    the worker after the commit; a failure is noted for a retry, never raised). Automatic
    dispatch follows the reading (`risk.hooks.analysed`)."""


@Hook
def dispatcher_chose(
    *, ticket: Ticket, user: User, category_id: int | None = None, lead_unit_id: int | None = None
) -> object:
    """Accept and dispatch by a staff member, before the request changes: the choice against
    the platform's suggestion (routing: `feedback.feedback_record`, which never raises)."""


# ---- rating -------------------------------------------------------------------------------


@Hook
def rated_unsatisfied(ticket: Ticket, *, actor: Actor, note: str) -> object:
    """`ticket_rate` with 不满意, before the request is reopened or closed: a supervision
    order (supervision: `services.order_unsatisfied`)."""


@Hook
def closed_by_rating(*, ticket: Ticket) -> object:
    """`ticket_rate` closing the request, after the step: its open supervision orders follow
    it (supervision: `services.orders_follow`)."""


# ---- the risk a request carries (risk: `ranking`) ----------------------------------------


@Hook
def is_emergency(ticket: Ticket) -> bool:
    """The risk analysis found a life or property at stake (risk level 紧急): the emergency
    clock applies (`policy`)."""
    raise NotImplementedError


@Hook
def risk_levels() -> Collection[str]:
    """The risk levels a list may be narrowed to (`listing.parse`)."""
    raise NotImplementedError


@Hook
def with_risk(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """TICKETS annotated with `risk_rank` (0 critical, 1 high, 2 medium, 3 low or not
    analysed) and `alarm` (0 critical, 1 otherwise), for sorting (`listing`)."""
    raise NotImplementedError


@Hook
def at_risk_level(tickets: QuerySet[Ticket], level: str) -> QuerySet[Ticket]:
    """TICKETS narrowed to those analysed at LEVEL (`listing.narrow`)."""
    raise NotImplementedError
