"""Tracking (/track/): look a request up, follow it, rate it, add material; "my requests"."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minxin.core.errors import DomainError, ValidationFailed
from minxin.identity.services import sms_code_request, sms_code_verify
from minxin.portal import session
from minxin.portal.forms import PhoneLookupForm, RateForm, SupplementForm, TrackCodeForm
from minxin.portal.views.common import client_ip, sms_sent_text
from minxin.tickets import codes, selectors
from minxin.tickets.actors import Actor
from minxin.tickets.display import citizen_comment, mask_phone
from minxin.tickets.models import Status, Ticket
from minxin.tickets.services import ticket_rate, ticket_supplement
from minxin.tickets.submission import ticket_for_citizen
from minxin.tickets.timeline import citizen_timeline

TicketView = Callable[[HttpRequest, Ticket, Actor], HttpResponse]


def _lookup_url(code: str = "") -> str:
    return reverse("portal:track") + (f"?{urlencode({'code': code})}" if code else "")


def _page(
    request: HttpRequest,
    code_form: TrackCodeForm | None = None,
    phone_form: PhoneLookupForm | None = None,
    notice: str = "",
) -> HttpResponse:
    phone = session.verified_phone(request)
    code = request.GET.get("code", "")[:20]
    return render(
        request,
        "portal/track.html",
        {
            "code_form": code_form or TrackCodeForm(initial={"tracking_code": code}),
            "phone_form": phone_form or PhoneLookupForm(initial={"tracking_code": code}),
            "notice": notice,
            "verified_phone": mask_phone(phone) if phone else "",
            "has_grants": bool(request.session.get(session.GRANTS_KEY)),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    form = TrackCodeForm(request.POST)
    if not form.is_valid():
        return _page(request, code_form=form)
    code, password = form.cleaned_data["tracking_code"], form.cleaned_data["password"]
    phone = session.verified_phone(request)
    # A real-name request has no password: the phone form takes the code along, so proving
    # the phone by SMS opens this request.
    phone_form = PhoneLookupForm(initial={"tracking_code": code})
    try:
        if not (password or phone):
            raise ValidationFailed(
                "实名提交的不用查询密码，请在“用手机号查询”中获取短信验证码，验证后即可查看；"
                "匿名提交的，请填写查询密码",
                code="required",
                field="password",
            )
        ticket, _ = ticket_for_citizen(
            raw_code=code, password=password or None, phone=phone, ip=client_ip(request)
        )
    except DomainError as exc:
        form.show_error(exc)
        return _page(request, code_form=form, phone_form=phone_form)
    session.remember_grant(request, ticket.tracking_code, password)
    return redirect("portal:track-detail", code=ticket.tracking_code)


@never_cache
@require_POST
def track_phone(request: HttpRequest) -> HttpResponse:
    """Phone and SMS code: "get code" redraws the page, "verify" opens my requests."""
    form = PhoneLookupForm(request.POST)
    form.is_valid()
    phone, code = form.cleaned_data.get("phone", ""), form.cleaned_data.get("code", "")
    try:
        if request.POST.get("action") == "send_code":
            sms_code_request(phone=phone, ip=client_ip(request))
            form.fields["code"].widget.attrs["autofocus"] = True
            return _page(request, phone_form=form, notice=sms_sent_text(phone))
        if not code:
            raise ValidationFailed("请填写短信验证码", code="required", field="code")
        token = sms_code_verify(phone=phone, code=code, ip=client_ip(request))
    except DomainError as exc:
        form.show_error(exc)
        return _page(request, phone_form=form)
    session.remember_phone(request, token)
    code = codes.normalise(form.cleaned_data.get("tracking_code", ""))
    return redirect("portal:track-detail", code=code) if code else redirect("portal:track-mine")


@never_cache
def track_mine(request: HttpRequest) -> HttpResponse:
    phone = session.verified_phone(request)
    if not phone:
        messages.info(request, "请先验证手机号，再查看“我的诉求”。")
        return redirect(reverse("portal:track") + "#by-phone")
    tickets = selectors.citizen_tickets(phone=phone)[:200]
    return render(
        request, "portal/track_mine.html", {"tickets": tickets, "verified_phone": mask_phone(phone)}
    )


@require_POST
def track_signout(request: HttpRequest) -> HttpResponse:
    """Forget every proof this browser holds: for shared computers in service halls."""
    request.session.flush()
    messages.success(request, "已退出查询。本设备不再保留您的查询凭证。")
    return redirect("portal:track")


def with_ticket(view: TicketView) -> Callable[[HttpRequest, str], HttpResponse]:
    """Resolve the request from the proof held in the session, or send the visitor to prove it."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str) -> HttpResponse:
        try:
            ticket, actor = session.tracked_ticket(request, code)
        except session.NoGrant:
            return redirect(_lookup_url(code))
        except DomainError as exc:
            session.forget_grant(request, code)
            messages.error(request, exc.message)
            return redirect(_lookup_url(code))
        return view(request, ticket, actor)

    return never_cache(wrapper)


def _detail(
    request: HttpRequest,
    ticket: Ticket,
    *,
    rate_form: RateForm | None = None,
    supplement_form: SupplementForm | None = None,
) -> HttpResponse:
    timeline = citizen_timeline(selectors.public_timeline(ticket))
    asked = [e["public_note"] for e in timeline if e["action"] == "request_info"]
    # A reply still under review after a reopening is not the citizen's to see yet.
    reply = selectors.published_reply(ticket) if ticket.status != Status.REPLIED else None
    return render(
        request,
        "portal/track_detail.html",
        {
            "ticket": ticket,
            "timeline": timeline,
            "reply": reply,
            "rating_comment": citizen_comment(ticket),
            "can_rate": ticket.status == Status.PUBLISHED,
            "can_supplement": ticket.status == Status.PENDING_INFO,
            "asked": asked[-1] if asked else "",
            "rate_form": rate_form or RateForm(),
            "supplement_form": supplement_form or SupplementForm(),
            "photo_count": ticket.photos.count(),
        },
    )


@require_http_methods(["GET"])
@with_ticket
def track_detail(request: HttpRequest, ticket: Ticket, actor: Actor) -> HttpResponse:
    return _detail(request, ticket)


@require_POST
@with_ticket
def track_rate(request: HttpRequest, ticket: Ticket, actor: Actor) -> HttpResponse:
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            ticket = ticket_rate(
                ticket_id=ticket.pk,
                actor=actor,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.show_error(exc)
        else:
            messages.success(
                request,
                "感谢您的评价。"
                + (
                    "您的诉求已退回承办单位重新办理。"
                    if ticket.status != Status.CLOSED
                    else "诉求已办结。"
                ),
            )
            return redirect("portal:track-detail", code=ticket.tracking_code)
    return _detail(request, ticket, rate_form=form)


@require_POST
@with_ticket
def track_supplement(request: HttpRequest, ticket: Ticket, actor: Actor) -> HttpResponse:
    form = SupplementForm(request.POST)
    if form.is_valid():
        try:
            ticket_supplement(ticket_id=ticket.pk, actor=actor, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.show_error(exc)
        else:
            messages.success(request, "补充材料已提交，办理时限恢复计算。")
            return redirect("portal:track-detail", code=ticket.tracking_code)
    return _detail(request, ticket, supplement_form=form)
