"""No internal text reaches the citizen: random markers are written into every internal field
of every action, walked through the real services, and none may appear in any citizen page,
citizen API answer or SMS queued to the citizen (docs/citizen-view.md)."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterator

from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from minxin.accounts.models import User
from minxin.demo.seed import build_city
from minxin.encryption.crypto import phone_index
from minxin.identity.services import citizen_token_issue
from minxin.notify.models import SmsMessage
from minxin.org.models import Category, Unit
from minxin.portal.session import TOKEN_KEY
from minxin.privacy.services import contact_reveal
from minxin.supervision.oversight import oversight_evaluate, oversight_share
from minxin.supervision.services import supervision_close, supervision_open, supervision_respond
from minxin.tickets import cohandling
from minxin.tickets import services as svc
from minxin.tickets.actors import Actor
from minxin.tickets.models import Satisfaction, Ticket
from minxin.tickets.submission import Submission, ticket_submit
from minxin.tickets.unit_review import ticket_unit_approve, ticket_unit_send_back

PHONE = "13800005555"
# Letters, digits, punctuation and symbols from all of Unicode (with <, &, ", ' among them):
# no whitespace, so the services' trimming and the pages' line breaks leave a marker whole.
MARKER = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=7, max_size=30)


class Markers:
    """A distinct marker for each internal field; `take` hands the next one out."""

    def __init__(self, draws: list[str]) -> None:
        self._draws = itertools.cycle(draws)
        self.used: list[str] = []

    def take(self) -> str:
        # The numbered prefix keeps every marker distinct and absent from any page.
        marker = f"内{len(self.used)}Ж{next(self._draws)}"
        self.used.append(marker)
        return marker

    def needles(self) -> Iterator[str]:
        # A marker cut short (an SMS keeps 60 characters) still gives itself away.
        for marker in self.used:
            yield marker[:10]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class NoInternalTextReachesTheCitizenTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        build_city()

    def setUp(self) -> None:
        self.units = {u.code: u for u in Unit.objects.all()}
        self.staff = {u.username: Actor.staff(u) for u in User.objects.select_related("unit")}

    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(draws=st.lists(MARKER, min_size=1, max_size=40), solved=st.booleans())
    def test_a_real_name_citizen_sees_no_internal_text(self, draws, solved) -> None:
        self.walk_and_look(Markers(draws), solved=solved, anonymous=False)

    @settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(draws=st.lists(MARKER, min_size=1, max_size=40), solved=st.booleans())
    def test_an_anonymous_citizen_sees_no_internal_text(self, draws, solved) -> None:
        self.walk_and_look(Markers(draws), solved=solved, anonymous=True)

    # ---- the walk --------------------------------------------------------------------

    def walk_and_look(self, m: Markers, *, solved: bool, anonymous: bool) -> None:
        cache.clear()  # tracking views are cached by code; each example starts clean
        main, main_pw = self.submit(anonymous=anonymous)
        merged, merged_pw = self.submit(anonymous=True)
        rejected, rejected_pw = self.submit(anonymous=not anonymous)
        answered, answered_pw = self.submit(anonymous=not anonymous, kind="consultation")
        self.full_loop(main, m, solved=solved, merged=merged)
        self.rejection(rejected, m)
        self.direct_answer(answered, m)
        if not anonymous:
            self.reveal(main, m)
        looked = [
            (main, main_pw),
            (merged, merged_pw),
            (rejected, rejected_pw),
            (answered, answered_pw),
        ]
        seen = self.citizen_views(looked)
        assert any("已派遣至" in text for text in seen)  # the views were really read
        for needle in m.needles():
            for text in seen:
                assert needle not in text, f"internal marker {needle!r} reached the citizen"

    def submit(self, *, anonymous: bool, kind: str = "complaint") -> tuple[Ticket, str | None]:
        data = Submission(
            request_type=kind,
            title="小区电梯故障",
            content="三号楼电梯停运一周",
            category_id=Category.objects.get(name="物业管理").pk,
            anonymous=anonymous,
            name="" if anonymous else "张三",
            district_id=self.units["heping"].pk,
        )
        return ticket_submit(data=data, actor=Actor() if anonymous else Actor.citizen(PHONE))

    def owner(self, ticket: Ticket) -> Actor:
        return (
            Actor.citizen(PHONE)
            if ticket.submitter_phone
            else Actor.code_holder(ticket.tracking_code)
        )

    def full_loop(self, ticket: Ticket, m: Markers, *, solved: bool, merged: Ticket) -> None:
        s, t = self.staff, {"ticket_id": ticket.pk}
        svc.ticket_accept(**t, actor=s["intake"], note=m.take())
        svc.ticket_merge(ticket_id=merged.pk, into_id=ticket.pk, actor=s["intake"], note=m.take())
        svc.ticket_request_info(**t, actor=s["intake"], note="请补充电梯停运的照片")
        svc.ticket_supplement(**t, actor=self.owner(ticket), note="照片已补充")
        svc.ticket_dispatch(
            **t,
            actor=s["intake"],
            lead_unit_id=self.units["renshe"].pk,
            co_unit_ids=[self.units["huanbao"].pk],
            note=m.take(),
        )
        svc.ticket_return(**t, actor=s["renshe"], reason=m.take())
        svc.ticket_dispatch(
            **t,
            actor=s["intake"],
            lead_unit_id=self.units["zhujian"].pk,
            co_unit_ids=[self.units["huanbao"].pk],
            note=m.take(),
        )
        svc.ticket_sign(**t, actor=s["zhujian"])
        self.extensions(ticket, m)
        cohandling.co_part_sign(**t, actor=s["huanbao"])
        # 单位审核: the handler's reply goes to the unit head, who sends it back once.
        Unit.objects.filter(pk=self.units["zhujian"].pk).update(reply_approval=True)
        self.reply(ticket, m, solved=solved)  # the co part is open: a proceed reason
        ticket_unit_send_back(**t, actor=s["zhujian_head"], note=m.take())
        self.reply(ticket, m, solved=solved)
        ticket_unit_approve(**t, actor=s["zhujian_head"], note=m.take())
        svc.ticket_send_back(**t, actor=s["reviewer"], note=m.take())
        self.co_handling(ticket, m)
        self.supervise(ticket, m)
        self.reply(ticket, m, solved=solved)
        ticket_unit_approve(**t, actor=s["zhujian_head"], note=m.take())
        svc.ticket_approve(**t, actor=s["reviewer"], note=m.take())
        svc.ticket_rate(
            **t,
            actor=self.owner(ticket),
            satisfaction=Satisfaction.UNSATISFIED,
            comment="还是没有修好",
        )
        svc.ticket_sign(**t, actor=s["zhujian_head"])
        self.reply(ticket, m, solved=True)
        ticket_unit_approve(**t, actor=s["zhujian_head"], note=m.take())
        svc.ticket_approve(**t, actor=s["admin"], note=m.take())
        self.oversee(ticket, m)
        svc.ticket_rate(**t, actor=s["callback"], satisfaction=Satisfaction.BASIC, comment=m.take())
        svc.ticket_archive(**t, actor=s["callback"])

    def extensions(self, ticket: Ticket, m: Markers) -> None:
        s = self.staff
        for approve in (True, False):
            ext = svc.ticket_request_extension(
                ticket_id=ticket.pk, actor=s["zhujian"], days=2, reason=m.take()
            )
            svc.ticket_decide_extension(
                extension_id=ext.pk, actor=s["intake"], approve=approve, note=m.take()
            )

    def reply(self, ticket: Ticket, m: Markers, *, solved: bool) -> None:
        svc.ticket_reply(
            ticket_id=ticket.pk,
            actor=self.staff["zhujian"],
            facts=m.take(),
            solved=solved,
            unsolved_reason="" if solved else m.take(),
            public_reply="电梯已修复，感谢监督。",
            proceed_reason=m.take(),
        )

    def co_handling(self, ticket: Ticket, m: Markers) -> None:
        s, t = self.staff, {"ticket_id": ticket.pk}
        cohandling.co_part_return(**t, actor=s["huanbao"], reason=m.take())
        cohandling.co_part_decide(
            **t, actor=s["intake"], unit_id=self.units["huanbao"].pk, keep=True, note=m.take()
        )
        cohandling.co_part_opinion(**t, actor=s["huanbao"], note=m.take())

    def supervise(self, ticket: Ticket, m: Markers) -> None:
        order = supervision_open(ticket_id=ticket.pk, actor=self.staff["supervisor"], note=m.take())
        supervision_respond(order_id=order.pk, actor=self.staff["zhujian"], response=m.take())
        supervision_close(
            order_id=order.pk, actor=self.staff["supervisor"], outcome="resolved", note=m.take()
        )

    def oversee(self, ticket: Ticket, m: Markers) -> None:
        member = self.staff["oversight"]
        oversight_share(
            ticket_id=ticket.pk, actor=self.staff["supervisor"], member_ids=[member.user.pk]
        )
        oversight_evaluate(
            ticket_id=ticket.pk,
            actor=member,
            timeliness="good",
            quality="fair",
            attitude="good",
            comment=m.take(),
        )

    def rejection(self, ticket: Ticket, m: Markers) -> None:
        svc.ticket_accept(ticket_id=ticket.pk, actor=self.staff["intake"], note=m.take())
        svc.ticket_reject(
            ticket_id=ticket.pk, actor=self.staff["intake"], reason="该事项正在诉讼中，请向法院反映"
        )
        svc.ticket_archive(ticket_id=ticket.pk, actor=self.staff["intake"])

    def direct_answer(self, ticket: Ticket, m: Markers) -> None:
        svc.ticket_accept(ticket_id=ticket.pk, actor=self.staff["intake"], note=m.take())
        svc.ticket_answer(
            ticket_id=ticket.pk, actor=self.staff["intake"], public_reply="可携带身份证到社区办理。"
        )
        svc.ticket_rate(
            ticket_id=ticket.pk,
            actor=self.staff["callback"],
            satisfaction=Satisfaction.SATISFIED,
            comment=m.take(),
        )

    def reveal(self, ticket: Ticket, m: Markers) -> None:
        contact_reveal(ticket_id=ticket.pk, user=self.staff["intake"].user, reason=m.take()[:200])

    # ---- what the citizen sees -------------------------------------------------------

    def citizen_views(self, looked: list[tuple[Ticket, str | None]]) -> list[str]:
        seen: list[str] = []
        phone_client = Client()
        session = phone_client.session
        session[TOKEN_KEY] = token = citizen_token_issue(phone=PHONE)
        session.save()
        for ticket, password in looked:
            if password:
                seen += self.by_password(ticket, password)
            else:
                page = phone_client.get(f"/track/{ticket.tracking_code}/")
                seen += [
                    self.html(page),
                    self.json(
                        f"/api/v1/requests/{ticket.tracking_code}", {"HTTP_X_CITIZEN_TOKEN": token}
                    ),
                ]
        seen += [self.html(phone_client.get("/track/mine/"))]
        for path in ("/api/v1/me/requests", "/api/v1/me/data"):
            seen += [self.json(path, {"HTTP_X_CITIZEN_TOKEN": token})]
        tickets = [t.pk for t, _ in looked]
        seen += [sms.text for sms in SmsMessage.objects.filter(ticket_id__in=tickets)]
        seen += [sms.text for sms in SmsMessage.objects.filter(phone_index=phone_index(PHONE))]
        return seen

    def by_password(self, ticket: Ticket, password: str) -> list[str]:
        client = Client()
        client.post("/track/", {"tracking_code": ticket.display_code, "password": password})
        return [
            self.html(client.get(f"/track/{ticket.tracking_code}/")),
            self.json(
                f"/api/v1/requests/{ticket.tracking_code}", {"HTTP_X_QUERY_PASSWORD": password}
            ),
        ]

    def html(self, response) -> str:  # type: ignore[no-untyped-def]
        assert response.status_code == 200, response.status_code
        return html.unescape(response.content.decode())

    def json(self, path: str, headers: dict[str, str]) -> str:
        response = Client().get(path, **headers)
        assert response.status_code == 200, (path, response.content)
        return json.dumps(response.json(), ensure_ascii=False)
