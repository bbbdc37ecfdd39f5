"""Build the demo city and walk a few hundred requests through the real services.

Every demo request got where it is by the same service calls staff make, with the
clock moved back, so its timeline explains its state like any real one.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random

from django.db import transaction
from django.test.utils import override_settings

from minxin.accounts.models import User
from minxin.cityfile.services import city_import
from minxin.core import clock
from minxin.demo import city
from minxin.demo.cityfile import DEMO_FILE
from minxin.org.models import Category, Responsibility, Unit
from minxin.tickets import cohandling, unit_review
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Status, Ticket
from minxin.tickets.submission import Submission, ticket_submit

PATHS: dict[str, list[str]] = {
    Status.SUBMITTED: [],
    Status.PENDING_INFO: ["request_info"],
    Status.ACCEPTED: ["accept"],
    Status.REJECTED: ["reject"],
    Status.DISPATCHED: ["accept", "dispatch"],
    Status.RETURNED: ["accept", "dispatch", "return"],
    Status.SIGNED: ["accept", "dispatch", "sign"],
    Status.UNIT_REVIEW: ["accept", "dispatch_approving", "sign", "reply_to_head"],
    Status.REPLIED: ["accept", "dispatch", "sign", "reply"],
    Status.PUBLISHED: ["accept", "dispatch", "sign", "reply", "approve"],
    Status.CLOSED: ["accept", "dispatch", "sign", "reply", "approve", "rate"],
    Status.ARCHIVED: ["accept", "dispatch", "sign", "reply", "approve", "rate", "archive"],
    Status.MERGED: ["merge"],
}


@transaction.atomic
def build_city() -> None:
    """Load the demo city from its file, as a city would load its own; the demo's staff get
    the demo password instead of a set-password link."""
    loaded = city_import(path=DEMO_FILE, commit=True)
    if loaded.problems:
        raise RuntimeError("\n".join(str(p) for p in loaded.problems))
    for user in User.objects.filter(username__in=loaded.new_accounts):
        user.set_password(city.DEMO_PASSWORD)
        user.save(update_fields=["password"])


def seed_requests(count: int = 330, seed: int = 2026) -> int:
    """`count` requests walked to every state, then the few submitted in the last hours."""
    if Ticket.objects.exists():
        return 0
    duty_roster()
    # Each request is read as it is submitted, not by the worker later: a walked request is
    # read before its next step, with or without a worker running.
    with override_settings(RISK_ANALYSIS_IN_WORKER=False):
        return add_requests(count, seed=seed) + add_recent()


def duty_roster() -> None:
    """The intake officer and the supervisor on duty round the clock this week, with work
    mobiles, so an emergency's SMS shows in the demo SMS inbox (/demo/sms/)."""
    from minxin.supervision.models import DutyShift

    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    for username, mobile in city.DUTY_MOBILES.items():
        user = User.objects.get(username=username)
        user.mobile = mobile
        user.save(update_fields=["mobile"])
        DutyShift.objects.get_or_create(
            user=user,
            starts_at=start - dt.timedelta(days=1),
            ends_at=start + dt.timedelta(days=8),
            defaults={"note": "演示：全天值班"},
        )


def add_recent() -> int:
    """city.RECENT, submitted over the last few hours and left for intake: their risk
    signals (danger words, a group request) alert the supervisors as a real one would."""
    real_now = clock.now()
    try:
        for n, (type_code, path, title, content, district, address) in enumerate(city.RECENT):
            clock.freeze(real_now - dt.timedelta(hours=2 * (len(city.RECENT) - n)))
            ticket_submit(
                data=Submission(
                    request_type=type_code,
                    title=title,
                    content=content,
                    category_id=_category(path).pk,
                    district_id=Unit.objects.get(code=district).pk,
                    address=address,
                    channel="web",
                    anonymous=True,
                ),
                actor=Actor(),
            )
    finally:
        clock.freeze(None)
    return len(city.RECENT)


def add_requests(count: int, *, seed: int = 2026, first: int = 0) -> int:
    """Walk `count` more requests, one per state in turn, numbered from `first`."""
    rng = random.Random(seed)
    logging.getLogger("minxin.sms").setLevel(logging.WARNING)
    targets = [list(PATHS)[i % len(PATHS)] for i in range(first, first + count)]
    real_now = clock.now()
    # 住建局 asks for 单位审核: its handlers' replies go to its head first.
    Unit.objects.filter(code=APPROVING_UNIT).update(reply_approval=True)
    # Submitted oldest first, as citizens would have: a duplicate found at submission then
    # points at a request that really was submitted earlier.
    starts = sorted(
        real_now - dt.timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 12)) for _ in targets
    )
    try:
        for i, target, start in zip(range(first, first + count), targets, starts, strict=True):
            clock.freeze(start)
            _walk(rng, i, target, until=real_now)
    finally:
        clock.freeze(None)
    return count


def _walk(rng: random.Random, i: int, target: str, *, until: dt.datetime) -> None:
    type_code, category_path, title, content, address = city.SAMPLES[_sample(i, target)]
    category = _category(category_path)
    district = rng.choice(list(Unit.objects.filter(kind=Unit.Kind.DISTRICT)))
    anonymous = i % 2 == 0
    actor = Actor() if anonymous else Actor.citizen(f"1380000{i:04d}")
    data = Submission(
        request_type=type_code,
        title=title,
        content=content,
        category_id=category.pk,
        district_id=district.pk,
        address=f"{district.name}{address}",
        channel=rng.choice(["web", "app", "phone", "wechat"]),
        anonymous=anonymous,
        name=rng.choice(city.DEMO_NAMES),
    )
    ticket, _ = ticket_submit(data=data, actor=actor)
    for step in PATHS[target]:
        _tick(rng, until)
        _step(rng, ticket.pk, step, category, district, actor)


def _sample(i: int, target: str) -> int:
    """The i-th sample; a request stopped at 单位审核 takes one of the samples only the
    approving unit is responsible for, so its lead unit is the right one."""
    if target != Status.UNIT_REVIEW:
        return i % len(city.SAMPLES)
    owned = _owned_samples()
    return owned[i % len(owned)]


@functools.cache
def _owned_samples() -> list[int]:
    """The samples only the approving unit is responsible for (the same for every seeding:
    the demo city's responsibility table is fixed)."""
    return [
        k
        for k, sample in enumerate(city.SAMPLES)
        if set(
            Responsibility.objects.filter(category=_category(sample[1])).values_list(
                "unit__code", flat=True
            )
        )
        == {APPROVING_UNIT}
    ]


def _category(path: str) -> Category:
    """The second-level category named "top/child"."""
    top_name, child_name = path.split("/")
    return Category.objects.get(name=child_name, parent__name=top_name)


def _tick(rng: random.Random, until: dt.datetime) -> None:
    """The next step a few hours later, but never after `until` (the real now): a demo
    timeline has no events in the future."""
    later = clock.now() + dt.timedelta(hours=rng.randint(2, 30))
    clock.freeze(max(clock.now(), min(later, until - dt.timedelta(minutes=1))))


def _staff(username: str) -> Actor:
    return Actor.staff(User.objects.select_related("unit").get(username=username))


def _owner(category: Category, district: Unit) -> Unit:
    rows = Responsibility.objects.filter(category=category).select_related("unit")
    local = [r.unit for r in rows if r.district_id == district.pk]
    return local[0] if local else rows[0].unit


APPROVING_UNIT = "zhujian"
# 协办 in the demo: the environment bureau and 和平区 (both have staff to act for them).
CO_UNITS = ["huanbao", "heping"]


def _co_units(lead: Unit, ticket_id: int) -> list[int]:
    codes = [c for c in CO_UNITS if c != lead.code][: 1 + ticket_id % 2]
    return list(Unit.objects.filter(code__in=codes).values_list("pk", flat=True))


def _co_work(ticket_id: int) -> None:
    """Each co-unit's part in some state: opinion given, signed only, returned or waiting.
    Its own random stream, so the requests' main walk stays the same."""
    rng = random.Random(ticket_id)
    for part in cohandling.open_parts(Ticket.objects.get(pk=ticket_id)):
        actor, roll = _staff(part.unit.code), rng.random()
        if roll < 0.85:
            cohandling.co_part_sign(ticket_id=ticket_id, actor=actor)
        if roll < 0.6:
            cohandling.co_part_opinion(
                ticket_id=ticket_id,
                actor=actor,
                note=rng.choice(
                    [
                        "已派员到现场核查，涉及本单位职责的部分已督促整改。",
                        "经核查，相关企业排放符合标准，已将检测报告送主办单位。",
                        "已协调属地社区配合主办单位处理，并将持续关注。",
                    ]
                ),
            )
        elif roll >= 0.9:
            cohandling.co_part_return(
                ticket_id=ticket_id, actor=actor, reason="经核实该事项不涉及本单位职责"
            )


def _step(
    rng: random.Random,
    ticket_id: int,
    step: str,
    category: Category,
    district: Unit,
    citizen: Actor,
) -> None:
    ticket = Ticket.objects.select_related("lead_unit").get(pk=ticket_id)
    lead = ticket.lead_unit or _owner(category, district)
    handler = _staff(lead.code)
    if step == "request_info":
        svc.ticket_request_info(
            ticket_id=ticket_id, actor=_staff("intake"), note="请补充问题发生的具体位置和现场照片"
        )
    elif step == "accept":
        svc.ticket_accept(ticket_id=ticket_id, actor=_staff("intake"))
    elif step == "reject":
        svc.ticket_reject(
            ticket_id=ticket_id,
            actor=_staff("intake"),
            reason="该事项已进入司法程序，不属于本平台受理范围",
        )
    elif step in ("dispatch", "dispatch_approving"):
        if step == "dispatch_approving":
            lead = Unit.objects.get(code=APPROVING_UNIT)
        co = [] if rng.random() < 0.7 else _co_units(lead, ticket_id)
        svc.ticket_dispatch(
            ticket_id=ticket_id, actor=_staff("intake"), lead_unit_id=lead.pk, co_unit_ids=co
        )
    elif step == "sign":
        svc.ticket_sign(ticket_id=ticket_id, actor=handler)
        _co_work(ticket_id)
    elif step == "return":
        svc.ticket_return(
            ticket_id=ticket_id, actor=handler, reason="经核实该事项属于区属职责，建议改派所在区"
        )
    elif step in ("reply", "reply_to_head"):
        solved = rng.random() < 0.8
        svc.ticket_reply(
            ticket_id=ticket_id,
            actor=handler,
            proceed_reason="协办单位已电话反馈，书面意见随后补交",
            facts="工作人员已到现场核实，情况属实。",
            solved=solved,
            unsolved_reason="" if solved else "涉及多个部门，需协调后统一解决",
            public_reply="您好，经现场核实，我单位已责成相关责任方整改，"
            "并将持续跟踪。感谢您对城市工作的支持。",
        )
        if step == "reply" and lead.reply_approval:
            unit_review.ticket_unit_approve(
                ticket_id=ticket_id, actor=_staff(f"{lead.code}_head"), note="同意上报"
            )
    elif step == "approve":
        svc.ticket_approve(ticket_id=ticket_id, actor=_staff("reviewer"))
    elif step == "rate":
        choice = rng.choice(["satisfied", "satisfied", "basic", "satisfied"])
        rater = citizen if citizen.citizen_phone else _staff("callback")
        svc.ticket_rate(ticket_id=ticket_id, actor=rater, satisfaction=choice)
    elif step == "merge":
        open_ones = Ticket.objects.filter(status=Status.SUBMITTED).exclude(pk=ticket_id)
        other = (
            open_ones.filter(category=category).order_by("-id").first()
            or open_ones.order_by("-id").first()
        )
        if other is not None:
            svc.ticket_merge(
                ticket_id=ticket_id,
                into_id=other.pk,
                actor=_staff("intake"),
                note="同一事项，合并办理",
            )
    elif step == "archive":
        svc.ticket_archive(ticket_id=ticket_id, actor=_staff("callback"))
