"""Submitting a request (/submit/), its confirmation, and the helpers the page's script calls."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minxin.core.errors import DomainError, ValidationFailed
from minxin.identity.services import sms_code_request, sms_code_verify
from minxin.portal import session
from minxin.portal.forms import SmsFields, SubmitForm
from minxin.portal.similar import cases_like
from minxin.portal.submitting import (
    AlreadySubmitted,
    check_not_used,
    form_token_new,
    form_token_nonce,
    read_photos,
    receipt,
    submit_once,
)
from minxin.portal.suggest import suggestion_payload
from minxin.portal.views.common import client_ip, sms_sent_text
from minxin.portal.views.pages import not_ready_context
from minxin.risk.services import danger_notice
from minxin.tickets.display import mask_phone
from minxin.tickets.submission import Submission

# Values never carried back into a re-drawn form: secrets and the buttons' own names.
_NOT_KEPT = {"csrfmiddlewaretoken", "action", "code"}


def _page(
    request: HttpRequest, form: SubmitForm, *, sms_form: SmsFields | None = None, notice: str = ""
) -> HttpResponse:
    phone = session.verified_phone(request)
    return render(
        request,
        "portal/submit.html",
        {
            "form": form,
            "sms_form": sms_form or form,
            "sms_notice": notice,
            # Errors with no field of their own (rate limits) belong beside the SMS fields only
            # when they came from "get code"; the main form lists its own at the top.
            "sms_errors": sms_form.non_field_errors() if sms_form else [],
            "verified_phone": mask_phone(phone) if phone else "",
            # Browsers never re-fill a file input, so say so when photos were sent.
            "photos_lost": bool(request.FILES.getlist("photos")),
        },
    )


# What another page may fill in for the citizen (the assistant's "转为诉求"), never sent:
# the citizen reads and submits it.
PREFILL = {"request_type": 20, "title": 100, "content": 2000}


def prefill(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET[k][:n] for k, n in PREFILL.items() if request.GET.get(k)}


def _kept(request: HttpRequest) -> SubmitForm:
    """An unbound form showing what was typed, without judging fields not yet finished."""
    values = {k: v for k, v in request.POST.items() if k not in _NOT_KEPT}
    return SubmitForm(initial=values)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if not_ready := not_ready_context():
        # No type or no unit yet: a form that could not be routed is not offered.
        return render(request, "portal/not_ready.html", not_ready, status=503)
    if request.method == "GET":
        initial = {"form_token": form_token_new(), **prefill(request)}
        return _page(request, SubmitForm(initial=initial))
    action = request.POST.get("action", "submit")
    if action == "send_code":
        return _send_code(request)
    if action == "forget_phone":
        session.forget_phone(request)
        return _page(request, _kept(request), notice="已清除验证的手机号，请重新验证。")
    return _submit(request)


def _send_code(request: HttpRequest) -> HttpResponse:
    """ "Get code" without script: send it and redraw the form with everything kept."""
    sms_form = SmsFields(request.POST)
    sms_form.is_valid()
    phone = sms_form.cleaned_data.get("phone", "")
    try:
        sms_code_request(phone=phone, ip=client_ip(request))
    except DomainError as exc:
        sms_form.show_error(exc)
        return _page(request, _kept(request), sms_form=sms_form)
    sms_form.fields["code"].widget.attrs["autofocus"] = True
    return _page(request, _kept(request), sms_form=sms_form, notice=sms_sent_text(phone))


def _submit(request: HttpRequest) -> HttpResponse:
    data = request.POST.copy()
    nonce = form_token_nonce(data.get("form_token", ""))
    if nonce is None:
        data["form_token"] = form_token_new()
    form = SubmitForm(data, request.FILES, phone_verified=bool(session.verified_phone(request)))
    try:
        if nonce is None:
            raise ValidationFailed("页面已过期，请核对内容后再次提交", code="form_expired")
        check_not_used(nonce)
        _verify_sms_code(request, form)
        if form.is_valid():
            return _file(request, form, nonce)
    except AlreadySubmitted:
        messages.info(
            request, "这份表单已经提交过，没有重复提交。如需反映新的问题，请点“再提交一件”。"
        )
        return redirect("portal:submitted")
    except DomainError as exc:
        form.show_error(exc)
    return _page(request, form)


def _file(request: HttpRequest, form: SubmitForm, nonce: str) -> HttpResponse:
    photos = read_photos(form.cleaned_data["photos"])
    phone = _submitter_phone(request, form.cleaned_data)
    ticket, password = submit_once(
        nonce=nonce, data=_submission(form.cleaned_data), phone=phone, photos=photos
    )
    shown = receipt(ticket, password, len(photos))
    shown["emergency"] = danger_notice(f"{ticket.title}\n{ticket.content}")
    session.remember_submitted(request, shown)
    return redirect("portal:submitted")


def _submission(data: dict) -> Submission:
    return Submission(
        request_type=data["request_type"],
        title=data["title"],
        content=data["content"],
        category_id=int(data["category"]) if data["category"] else None,
        district_id=int(data["district"]) if data["district"] else None,
        address=data["address"],
        anonymous=data["identity"] == "anonymous",
        name=data["name"],
    )


def _verify_sms_code(request: HttpRequest, form: SubmitForm) -> None:
    """Check a real-name submitter's SMS code in the same round as the other fields. A right
    code proves the phone for the rest of the visit, so fixing another field costs no new
    code; a wrong one is listed with the other errors (DomainError, on the code field)."""
    given = form.sms_code_to_verify()
    if given is None:
        return
    phone, code = given
    session.remember_phone(request, sms_code_verify(phone=phone, code=code, ip=client_ip(request)))


def _submitter_phone(request: HttpRequest, data: dict) -> str | None:
    """The phone a real-name submitter proved by SMS in this visit."""
    if data["identity"] == "anonymous":
        return None
    phone = session.verified_phone(request)
    if not phone:  # the proof expired while the form was open
        raise ValidationFailed("手机号验证已过期，请重新获取验证码", code="required", field="code")
    return phone


@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/submitted.html", {"receipt": session.take_submitted(request)})


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("text", "")
    payload = suggestion_payload(text, request.GET.get("district", ""))
    # The danger check with the same lexicon as the staff's risk analysis: the citizen sees
    # the emergency numbers while typing.
    payload["emergency"] = danger_notice(text)
    return JsonResponse(payload)


@require_GET
@cache_control(private=True, max_age=60)
def similar(request: HttpRequest) -> JsonResponse:
    """智能预判 while the citizen types; [] for a short or failed search, never an error."""
    return JsonResponse(cases_like(request.GET.get("q", "")), safe=False)


@require_POST
def sms_send(request: HttpRequest) -> JsonResponse:
    """ "Get code" with script: the page stays as it is, a live region reads the result."""
    phone = request.POST.get("phone", "")
    try:
        sms_code_request(phone=phone, ip=client_ip(request))
    except DomainError as exc:
        return JsonResponse(
            {"ok": False, "field": exc.field, "message": exc.message}, status=exc.status
        )
    return JsonResponse(
        {
            "ok": True,
            "message": sms_sent_text(phone),
            "wait": settings.SMS_CODE_MIN_INTERVAL_SECONDS,
        }
    )
