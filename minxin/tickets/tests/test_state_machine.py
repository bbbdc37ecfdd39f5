"""Random actions by random personas: the state is always legal and explained by the timeline."""

from __future__ import annotations

from django.test import override_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from minxin.accounts.models import User
from minxin.core.errors import DomainError
from minxin.demo.seed import build_city
from minxin.org.models import Category, Unit
from minxin.tickets import cohandling, unit_review
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Extension, Satisfaction, Status, Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.workflow import TRANSITIONS, legal_actions

PHONE = "13800002222"
STAFF = [
    "intake",
    "reviewer",
    "callback",
    "admin",
    "zhujian",
    "zhujian_head",
    "renshe",
    "leader",
    "oversight",
    "huanbao",
]
PERSONAS = [*STAFF, "owner", "stranger", "system"]
ACTIONS = [
    "accept",
    "reject",
    "request_info",
    "supplement",
    "answer",
    "dispatch",
    "sign",
    "return",
    "reply",
    "approve",
    "send_back",
    "rate",
    "close_unrated",
    "archive",
    "request_extension",
    "decide_extension",
    "merge",
    "co_sign",
    "co_return",
    "co_opinion",
    "co_decide",
    "unit_approve",
    "unit_send_back",
]


# Who would plausibly try each action: mostly-legal walks reach every state, while the
# random choices mixed in keep probing illegal actions and wrong personas.
LIKELY = {
    "accept": ["intake", "admin"],
    "reject": ["intake"],
    "answer": ["intake"],
    "request_info": ["intake", "zhujian"],
    "supplement": ["owner"],
    "dispatch": ["intake", "admin"],
    "decide_extension": ["intake"],
    "sign": ["zhujian", "zhujian_head", "renshe"],
    "return": ["zhujian", "renshe"],
    "reply": ["zhujian", "renshe"],
    "request_extension": ["zhujian"],
    "approve": ["reviewer", "admin"],
    "send_back": ["reviewer"],
    "rate": ["owner", "callback"],
    "close_unrated": ["callback", "system"],
    "archive": ["callback", "system"],
    "merge": ["intake", "zhujian"],
    "co_sign": ["huanbao", "zhujian"],
    "co_return": ["huanbao"],
    "co_opinion": ["huanbao"],
    "co_decide": ["intake", "huanbao"],
    "unit_approve": ["zhujian_head", "zhujian"],
    "unit_send_back": ["zhujian_head"],
}


def _choose(status: str, pick: int, who: int, mode: int) -> tuple[str, str]:
    if mode == 0:
        return ACTIONS[pick % len(ACTIONS)], PERSONAS[who % len(PERSONAS)]
    legal = legal_actions(status) or ACTIONS
    action = legal[pick % len(legal)]
    return action, LIKELY[action][who % len(LIKELY[action])]


def _other(ticket: Ticket) -> Ticket:
    other, _ = ticket_submit(
        data=Submission(request_type="complaint", title="同一事项", content="c"), actor=Actor()
    )
    return other


def _call(action: str, ticket: Ticket, actor: Actor, flag: bool, units: dict) -> None:
    t = {"ticket_id": ticket.pk, "actor": actor}
    if action == "decide_extension":
        ext = Extension.objects.filter(ticket=ticket).order_by("-id").first()
        if ext:
            svc.ticket_decide_extension(extension_id=ext.pk, actor=actor, approve=flag)
        return
    calls = {
        "accept": lambda: svc.ticket_accept(**t),
        "reject": lambda: svc.ticket_reject(**t, reason="不属受理范围"),
        "request_info": lambda: svc.ticket_request_info(**t, note="请补充照片"),
        "supplement": lambda: svc.ticket_supplement(**t, note="已补充"),
        "answer": lambda: svc.ticket_answer(**t, public_reply="答复"),
        "dispatch": lambda: svc.ticket_dispatch(
            **t,
            lead_unit_id=units["zhujian" if flag else "renshe"].pk,
            co_unit_ids=[units["huanbao"].pk] if flag else [],
        ),
        "sign": lambda: svc.ticket_sign(**t),
        "return": lambda: svc.ticket_return(**t, reason="非本单位"),
        "reply": lambda: svc.ticket_reply(
            **t,
            facts="f",
            solved=flag,
            public_reply="p",
            unsolved_reason="" if flag else "资金不足",
            proceed_reason="" if flag else "先行答复",
        ),
        "approve": lambda: svc.ticket_approve(**t),
        "send_back": lambda: svc.ticket_send_back(**t, note="重办"),
        "rate": lambda: svc.ticket_rate(
            **t, satisfaction=Satisfaction.SATISFIED if flag else Satisfaction.UNSATISFIED
        ),
        "close_unrated": lambda: svc.ticket_close_unrated(**t),
        "archive": lambda: svc.ticket_archive(**t),
        "request_extension": lambda: svc.ticket_request_extension(**t, days=3, reason="协调"),
        "merge": lambda: svc.ticket_merge(**t, into_id=_other(ticket).pk),
        "co_sign": lambda: cohandling.co_part_sign(**t),
        "co_return": lambda: cohandling.co_part_return(**t, reason="非本单位"),
        "co_opinion": lambda: cohandling.co_part_opinion(**t, note="已核查"),
        "co_decide": lambda: cohandling.co_part_decide(**t, unit_id=units["huanbao"].pk, keep=flag),
        "unit_approve": lambda: unit_review.ticket_unit_approve(**t),
        "unit_send_back": lambda: unit_review.ticket_unit_send_back(**t, note="重办"),
    }
    calls[action]()


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MAX_REOPENS=2
)
class RandomWalkTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        build_city()
        # 住建局 asks for 单位审核: its handler's replies wait for its head.
        Unit.objects.filter(code="zhujian").update(reply_approval=True)

    def actor(self, persona: str, ticket: Ticket) -> Actor:
        if persona == "owner":
            return Actor.citizen(PHONE)
        if persona == "stranger":
            return Actor.citizen("13900000000")
        if persona == "system":
            return Actor.system_actor()
        return Actor.staff(User.objects.select_related("unit").get(username=persona))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        kind=st.sampled_from(["complaint", "consultation"]),
        steps=st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 99), st.booleans(), st.integers(0, 3)),
            max_size=30,
        ),
    )
    def test_state_is_always_legal_and_explained(self, kind, steps) -> None:
        units = {u.code: u for u in Unit.objects.all()}
        ticket, _ = ticket_submit(
            data=Submission(
                request_type=kind,
                title="t",
                content="c",
                anonymous=False,
                name="张三",
                category_id=Category.objects.get(name="物业管理").pk,
            ),
            actor=Actor.citizen(PHONE),
        )
        for pick, who, flag, mode in steps:
            before = Ticket.objects.get(pk=ticket.pk)
            action, persona = _choose(before.status, pick, who, mode)
            try:
                _call(action, before, self.actor(persona, before), flag, units)
            except DomainError:
                after = Ticket.objects.get(pk=ticket.pk)
                assert (after.status, after.version) == (before.status, before.version)
            self.check_invariants(Ticket.objects.get(pk=ticket.pk), before)
            event(f"reached {Ticket.objects.get(pk=ticket.pk).status}")

    def check_invariants(self, ticket: Ticket, before: Ticket) -> None:
        assert ticket.status in Status.values
        events = list(ticket.events.order_by("at", "id"))
        assert events[-1].to_status == ticket.status
        for prev, nxt in zip(events, events[1:], strict=False):
            assert prev.to_status == nxt.from_status
        if ticket.status != before.status:
            last = events[-1]
            sources, _ = TRANSITIONS.get(last.action, (frozenset(Status.values), None))
            assert before.status in sources
        assert ticket.reopen_count <= 2
        if ticket.status in (Status.DISPATCHED, Status.SIGNED, Status.UNIT_REVIEW, Status.REPLIED):
            assert ticket.lead_unit_id is not None
        if ticket.status == Status.PENDING_INFO:
            assert ticket.resume_status
            assert ticket.paused_at
        was_rejected = any(e.action == "reject" for e in events)
        if ticket.status in (Status.CLOSED, Status.ARCHIVED) and not was_rejected:
            assert ticket.satisfaction  # a rating or an explicit "not rated"
        if ticket.status in (
            Status.SUBMITTED,
            Status.ACCEPTED,
            Status.DISPATCHED,
            Status.SIGNED,
            Status.REPLIED,
        ):
            assert ticket.due_at is not None
