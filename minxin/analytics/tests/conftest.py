"""The month of requests several analytics tests read."""

from __future__ import annotations

import pytest

from minxin.analytics import rollups
from minxin.analytics.tests.walk import (
    accept,
    at,
    co_opinion,
    dispatch,
    rate,
    reply_and_approve,
    sign,
    submit,
)
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor


@pytest.fixture
def month(city, staff):  # type: ignore[no-untyped-def]
    """Five requests of March 2026 (Mondays to Fridays, no holidays in between)."""
    at("2026-03-02", 9)
    on_time = submit(city)
    at("2026-03-02", 11)  # first response two hours after submission
    accept(on_time, staff)
    dispatch(on_time, staff, "zhujian", co=("renshe",))
    sign(on_time, staff, "zhujian")
    co_opinion(on_time, staff, "renshe")
    at("2026-03-04")
    reply_and_approve(on_time, staff, "zhujian")
    at("2026-03-05")
    rate(on_time, staff, "satisfied")

    at("2026-03-02", 9)
    late = submit(city, district="shenhe", channel="phone")
    accept(late, staff, category="噪声污染")
    dispatch(late, staff, "huanbao")
    sign(late, staff, "huanbao")
    at("2026-03-30")  # past the 15 working days
    reply_and_approve(late, staff, "huanbao")
    rate(late, staff, "basic")

    at("2026-03-03")
    rejected = submit(city)
    svc.ticket_reject(ticket_id=rejected.pk, actor=Actor.staff(staff["intake"]), reason="重复")

    reopened = submit(city)
    accept(reopened, staff)
    dispatch(reopened, staff, "zhujian")
    sign(reopened, staff, "zhujian")
    reply_and_approve(reopened, staff, "zhujian")
    rate(reopened, staff, "unsatisfied")  # 重办 to the same unit
    sign(reopened, staff, "zhujian")
    at("2026-03-10")
    reply_and_approve(reopened, staff, "zhujian")
    rate(reopened, staff, "satisfied")

    at("2026-03-03", 14)
    consultation = submit(city, kind="consultation")
    svc.ticket_answer(
        ticket_id=consultation.pk, actor=Actor.staff(staff["intake"]), public_reply="可以办理"
    )
    svc.ticket_close_unrated(ticket_id=consultation.pk, actor=Actor.system_actor())

    at("2026-03-31", 20)
    open_one = submit(city)
    accept(open_one, staff)
    return {"on_time": on_time, "late": late, "reopened": reopened}


@pytest.fixture
def rolled(month):  # type: ignore[no-untyped-def]
    """The month, with the worker's rollups, seen from 1 April 2026."""
    rollups.refresh_all()
    at("2026-04-01")
    return month
